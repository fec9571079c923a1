import type { AttemptFinishedEvent } from '../run/execution-events';
import { CoordinatorHarness, eventLine } from '../testing/coordinator-harness';

const attemptsFinished = (h: CoordinatorHarness) =>
  h.events.filter((e): e is AttemptFinishedEvent => e.type === 'attempt.finished').map((e) => [e.attempt, e.ok, e.reason, e.willRetry, e.retryInMs]);

describe('RunCoordinator retries and timeouts', () => {
  it('retries a failed attempt after 1s, 2s, then 4s (doubling from retryDelay) and gives up after the last', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { retries: 3, retryDelayMs: 1000 } } });
    h.start();
    h.fail('a#1');
    expect(h.timers).toEqual({ 'retry:a': 1000 });
    expect(h.advance(999)).toEqual([]);
    h.advance(1);
    expect(h.inFlight).toEqual(['a#2']);
    h.fail('a#2');
    expect(h.timers).toEqual({ 'retry:a': 2000 });
    h.advance(2000);
    h.fail('a#3');
    expect(h.timers).toEqual({ 'retry:a': 4000 });
    h.advance(4000);
    h.fail('a#4');
    expect(h.timers).toEqual({});
    expect(attemptsFinished(h)).toEqual([
      [1, false, 'exit_code', true, 1000],
      [2, false, 'exit_code', true, 2000],
      [3, false, 'exit_code', true, 4000],
      [4, false, 'exit_code', false, null],
    ]);
    expect(h.report!.steps.a).toMatchObject({ status: 'failed', attempts: 4, reason: 'exit_code' });
    expect(h.report!.makespanMs).toBe(7000);
  });

  it('keeps the step running between attempts and reports it once, with the attempts it took', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { retries: 2, retryDelayMs: 10 } } });
    h.start();
    h.fail('a#1');
    h.advance(10);
    h.finish('a#2', { ok: true, outputs: { done: true } });
    expect(h.events.map(eventLine)).toEqual([
      'run.started',
      'step.started a',
      'attempt.started a#1',
      'attempt.finished a#1',
      'attempt.started a#2',
      'attempt.finished a#2',
      'step.finished a',
      'run.finished',
    ]);
    expect(h.report!.steps.a).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { done: true }, exitCode: null });
  });

  it('retries only the foreach item that failed', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { foreach: ['x', 'y'], retries: 1, retryDelayMs: 5 } } });
    h.start();
    h.fail('a[0]#1');
    h.finish('a[1]#1');
    h.advance(5);
    expect(h.inFlight).toEqual(['a[0]#2']);
    h.finish('a[0]#2');
    expect(h.report!.steps.a.items!.map((item) => item.attempts)).toEqual([2, 1]);
    expect(h.report!.steps.a.attempts).toBe(2);
  });

  it('does not retry an attempt that ended cancelled', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { retries: 3 } } });
    h.start();
    h.finish('a#1', { ok: false, reason: 'cancelled', message: 'stopped' });
    expect(h.report!.steps.a).toMatchObject({ status: 'cancelled', reason: 'cancelled', attempts: 1 });
  });

  it('arms a timeout when the attempt starts and aborts it when the timer fires; the failure reads timeout', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { timeoutMs: 500 } } });
    h.start();
    expect(h.timers).toEqual({ 'timeout:a#1': 500 });
    expect(h.advance(500)).toEqual([{ type: 'abort', attempt: 'a#1', reason: 'timeout' }]);
    h.finish('a#1', { ok: false, reason: 'cancelled', exitCode: null, signal: 'SIGTERM', message: 'stopped by Weft' });
    expect(h.report!.steps.a).toMatchObject({ status: 'failed', reason: 'timeout', message: 'timed out after 500 ms', signal: 'SIGTERM' });
  });

  it('retries an attempt that timed out, with a fresh timeout', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { timeoutMs: 500, retries: 1, retryDelayMs: 1000 } } });
    h.start();
    h.advance(500);
    h.finish('a#1', { ok: false, reason: 'cancelled' });
    expect(attemptsFinished(h)).toEqual([[1, false, 'timeout', true, 1000]]);
    h.advance(1000);
    expect(h.timers).toEqual({ 'timeout:a#2': 500 });
    h.finish('a#2');
    expect(h.timers).toEqual({});
    expect(h.report!.steps.a).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('keeps the success of an attempt that ended well despite its timeout, and clears a timer that did not fire', () => {
    const h = new CoordinatorHarness({ a: [], b: [] }, { overrides: { a: { timeoutMs: 100 }, b: { timeoutMs: 1000 } } });
    h.start();
    h.advance(100);
    h.finish('a#1');
    expect(h.finish('b#1')).toContainEqual({ type: 'timer.cancel', timer: 'timeout:b#1' });
    expect(h.report!.steps.a.status).toBe('succeeded');
  });

  describe('owner lost', () => {
    it('ends every started attempt server_lost and runs its unit again as a new attempt', () => {
      const h = new CoordinatorHarness({ a: [], b: [], c: ['a'] }, { overrides: { a: { timeoutMs: 60_000 } } });
      h.start();
      h.finish('b#1');
      const effects = h.send({ type: 'owner.lost' });
      expect(effects.filter((e) => e.type !== 'emit')).toEqual([
        { type: 'timer.cancel', timer: 'timeout:a#1' },
        { type: 'abort', attempt: 'a#1', reason: 'server_lost' },
        expect.objectContaining({ type: 'dispatch', job: expect.objectContaining({ id: 'a#2', attempt: 2 }) }),
        { type: 'timer.start', timer: 'timeout:a#2', delayMs: 60_000, message: { type: 'attempt.timeout', attempt: 'a#2' } },
      ]);
      expect(attemptsFinished(h)).toEqual([
        [1, true, null, false, null],
        [1, false, 'server_lost', true, 0],
      ]);
      expect(h.coordinator.running).toBe(1);
      h.finish('a#1');
      expect(h.inFlight).toEqual(['a#2']);
      h.finish('a#2');
      h.finish('c#1');
      expect(h.report!.steps.a).toMatchObject({ status: 'succeeded', attempts: 2 });
    });

    it('does not count a lost attempt against retries', () => {
      const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { retries: 1, retryDelayMs: 1000 } } });
      h.start();
      h.send({ type: 'owner.lost' });
      h.fail('a#2');
      expect(h.timers).toEqual({ 'retry:a': 1000 });
      h.advance(1000);
      h.fail('a#3');
      expect(attemptsFinished(h).map((row) => row.slice(2))).toEqual([
        ['server_lost', true, 0],
        ['exit_code', true, 1000],
        ['exit_code', false, null],
      ]);
      expect(h.report!.steps.a).toMatchObject({ status: 'failed', attempts: 3 });
    });

    it('leaves attempts still waiting for a process slot alone, and ends lost attempts of a cancelled run cancelled', () => {
      const h = new CoordinatorHarness({ a: [], b: [] }, { autoStart: false });
      h.start();
      h.started('a#1');
      h.cancel();
      h.send({ type: 'owner.lost' });
      expect(h.report).toBeUndefined();
      h.finish('b#1', { ok: false, reason: 'cancelled', message: 'cancelled while waiting for a process slot' });
      expect(h.report!.steps).toMatchObject({
        a: { status: 'cancelled', message: 'the server running it was lost' },
        b: { status: 'cancelled', startedAt: null },
      });
    });
  });
});
