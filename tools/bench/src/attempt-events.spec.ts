import { attemptEvent } from './attempt-events';

describe('attemptEvent', () => {
  it('pairs attempt.started and attempt.finished of one step after another', () => {
    const events = [0, 1, 2, 3, 4].map((index) => attemptEvent('r1', index, 0));
    expect(events.map((e) => [e.type, e.stepId])).toEqual([
      ['attempt.started', 's0'],
      ['attempt.finished', 's0'],
      ['attempt.started', 's1'],
      ['attempt.finished', 's1'],
      ['attempt.started', 's2'],
    ]);
    expect(events.every((e) => e.runId === 'r1' && e.attempt === 1)).toBe(true);
  });

  it('times each attempt from its start, a millisecond apart', () => {
    const [started, finished] = [attemptEvent('r1', 0, 0), attemptEvent('r1', 1, 0)];
    expect(started.timestamp).toBe('1970-01-01T00:00:00.000Z');
    expect(finished).toMatchObject({
      timestamp: '1970-01-01T00:00:00.001Z',
      startedAt: started.timestamp,
      durationMs: 1,
      ok: true,
    });
  });

  it('refuses a number that is not a whole number from 0', () => {
    expect(() => attemptEvent('r1', -1)).toThrow('Expected an event number from 0, got -1');
    expect(() => attemptEvent('r1', 2.5)).toThrow('Expected an event number from 0, got 2.5');
  });
});
