import { CoordinatorHarness, eventLine } from '../testing/coordinator-harness';

const statuses = (h: CoordinatorHarness) => Object.fromEntries(Object.entries(h.report!.steps).map(([id, step]) => [id, step.status]));

describe('RunCoordinator cancellation', () => {
  it('cancels on the first failure with failFast: aborts what runs, drops what waits, ends the rest', () => {
    const h = new CoordinatorHarness({ a: [], b: [], c: ['b'], d: [] }, { fields: { failFast: true, maxParallel: 2 } });
    h.start();
    const effects = h.fail('a#1');
    expect(effects.filter((e) => e.type === 'abort')).toEqual([{ type: 'abort', attempt: 'b#1', reason: 'cancelled' }]);
    expect(effects.some((e) => e.type === 'dispatch')).toBe(false);
    expect(h.report).toBeUndefined();
    h.finish('b#1', { ok: false, reason: 'cancelled', message: 'aborted' });
    expect(h.report!.status).toBe('failed');
    expect(statuses(h)).toEqual({ a: 'failed', b: 'cancelled', c: 'cancelled', d: 'cancelled' });
    expect(h.report!.steps.c).toMatchObject({ reason: 'cancelled', message: 'cancelled by failFast', startedAt: null });
    expect(h.report!.steps.d).toMatchObject({ reason: 'cancelled', message: 'cancelled by failFast', startedAt: null });
  });

  it('ends a step that becomes ready while the run is being cancelled as cancelled', () => {
    const h = new CoordinatorHarness({ x: [], x2: ['x'], y: [], z: ['y'] }, { fields: { failFast: true, maxParallel: 1 } });
    h.start();
    h.fail('x#1');
    // y was queued: dropping it ends it, which makes z ready mid-cancel; x2 still waited for x.
    expect(h.report!.steps).toMatchObject({
      y: { status: 'cancelled', message: 'cancelled by failFast' },
      z: { status: 'cancelled', message: 'the run was cancelled' },
      x2: { status: 'cancelled', message: 'cancelled by failFast' },
    });
  });

  it('does not cancel for a failure under continueOnError', () => {
    const h = new CoordinatorHarness({ a: [], b: [] }, { fields: { failFast: true }, overrides: { a: { continueOnError: true } } });
    h.start();
    expect(h.fail('a#1').some((e) => e.type === 'abort')).toBe(false);
    h.finish('b#1');
    expect(h.report!.status).toBe('succeeded');
  });

  it('on cancel, aborts running attempts and ends the run cancelled once they stopped', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'], c: [] }, { fields: { maxParallel: 1 } });
    h.start();
    const effects = h.cancel();
    expect(effects.filter((e) => e.type !== 'emit')).toEqual([{ type: 'abort', attempt: 'a#1', reason: 'cancelled' }]);
    expect(effects.map((e) => e.type === 'emit' && eventLine(e.event))).toEqual([false, 'step.finished c', 'step.finished b']);
    h.finish('a#1', { ok: false, reason: 'cancelled', message: 'aborted' });
    expect(h.report!.status).toBe('cancelled');
    expect(statuses(h)).toEqual({ a: 'cancelled', b: 'cancelled', c: 'cancelled' });
    expect(h.report!.steps.c).toMatchObject({ reason: 'cancelled', message: 'the run was cancelled', startedAt: null });
  });

  it('keeps what a running attempt reports after a cancel, without retrying it', () => {
    const h = new CoordinatorHarness({ a: [], b: [] }, { overrides: { b: { retries: 3 } } });
    h.start();
    h.cancel();
    h.finish('a#1', { ok: true, outputs: { late: true } });
    h.fail('b#1');
    expect(h.timers).toEqual({});
    expect(h.report!.status).toBe('cancelled');
    expect(h.report!.steps).toMatchObject({ a: { status: 'succeeded', outputs: { late: true } }, b: { status: 'failed', attempts: 1 } });
  });

  it('cancels a retry waiting for its backoff: the timer is cleared and the step ends cancelled', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { retries: 5, retryDelayMs: 60_000 } } });
    h.start();
    h.fail('a#1');
    const effects = h.cancel();
    expect(effects[0]).toEqual({ type: 'timer.cancel', timer: 'retry:a' });
    expect(h.report!.steps.a).toMatchObject({ status: 'cancelled', reason: 'cancelled', message: 'the run was cancelled', attempts: 1 });
    expect(h.report!.status).toBe('cancelled');
  });

  it('honours a run cancelled before it started: every step ends cancelled, nothing is dispatched', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'] });
    h.start(true);
    expect(h.jobs).toEqual([]);
    expect(h.events.map(eventLine)).toEqual(['run.started', 'step.finished a', 'step.finished b', 'run.finished']);
    expect(h.report).toMatchObject({ status: 'cancelled', steps: { a: { status: 'cancelled' }, b: { status: 'cancelled' } } });
  });

  it('aborts an attempt whose slot came after the cancel, and reports it cancelled', () => {
    const h = new CoordinatorHarness({ a: [] }, { autoStart: false });
    h.start();
    expect(h.cancel().filter((e) => e.type === 'abort')).toEqual([{ type: 'abort', attempt: 'a#1', reason: 'cancelled' }]);
    expect(h.started('a#1').filter((e) => e.type !== 'emit')).toEqual([]);
    h.finish('a#1', { ok: false, reason: 'cancelled', message: 'cancelled before it started' });
    expect(h.report!.steps.a).toMatchObject({ status: 'cancelled', message: 'cancelled before it started', attempts: 1 });
  });

  it('keeps the failure of a cancelled attempt as reported, even if its timeout fires later', () => {
    const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { timeoutMs: 100 } } });
    h.start();
    h.cancel();
    expect(h.send({ type: 'attempt.timeout', attempt: 'a#1' })).toEqual([]);
    h.finish('a#1', { ok: false, reason: 'signal', signal: 'SIGTERM' });
    expect(h.report!.steps.a).toMatchObject({ status: 'failed', reason: 'signal' });
    expect(h.report!.status).toBe('cancelled');
  });

  it('ignores a second cancel', () => {
    const h = new CoordinatorHarness({ a: [] });
    h.start();
    h.cancel();
    expect(h.cancel()).toEqual([]);
  });
});
