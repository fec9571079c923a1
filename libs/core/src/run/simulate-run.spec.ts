import { parseCondition } from '../spec/expression/parse-condition';
import { makeWorkflow } from '../testing/make-workflow';
import { eventLine } from '../testing/coordinator-harness';
import type { ExecutionEvent } from './execution-events';
import { simulateRun, type AttemptScript } from './simulate-run';

const T0 = Date.parse('2026-12-02T09:00:00.000Z');
const at = (event: ExecutionEvent) => Date.parse(event.timestamp) - T0;
/** `attempt.started b#1 @2000`: each event with its time from the start. */
const timeline = (events: readonly ExecutionEvent[]) => events.map((e) => `${eventLine(e)} @${at(e)}`);
const lasting =
  (ms: Record<string, number>): AttemptScript =>
  (job) => ({ durationMs: ms[job.stepId] ?? 1000 });

describe('simulateRun', () => {
  it('runs the coordinator on a virtual clock: each attempt lasts what the script says', () => {
    const workflow = makeWorkflow({ a: [], b: [], c: ['a', 'b'] });
    const { events, report } = simulateRun({
      runId: 'r',
      workflow,
      startMs: T0,
      script: lasting({ a: 2000, b: 3000, c: 500 }),
    });
    expect(timeline(events)).toEqual([
      'run.started @0',
      'step.started a @0',
      'attempt.started a#1 @0',
      'step.started b @0',
      'attempt.started b#1 @0',
      'attempt.finished a#1 @2000',
      'step.finished a @2000',
      'attempt.finished b#1 @3000',
      'step.finished b @3000',
      'step.started c @3000',
      'attempt.started c#1 @3000',
      'attempt.finished c#1 @3500',
      'step.finished c @3500',
      'run.finished @3500',
    ]);
    expect(report).toMatchObject({
      status: 'succeeded',
      makespanMs: 3500,
      sequentialMs: 5500,
      speedup: 1.57,
      criticalPath: ['b', 'c'],
    });
  });

  it('keeps to maxParallel and starts the longest remaining path first, as a real run does', () => {
    // Two slots; in declaration order the two short steps would go first and take 4 s.
    const workflow = makeWorkflow(
      { short1: [], short2: [], long: [], tail: ['long'] },
      {},
      { maxParallel: 2 },
    );
    const { events, report } = simulateRun({
      runId: 'r',
      workflow,
      startMs: T0,
      script: lasting({ tail: 2000 }),
      estimates: { tail: 2000 },
    });
    expect(Math.max(...events.map((e) => e.running))).toBe(2);
    expect(
      events.filter((e) => e.type === 'attempt.started' && at(e) === 0).map((e) => eventLine(e)),
    ).toEqual(['attempt.started long#1', 'attempt.started short1#1']);
    expect(report.makespanMs).toBe(3000);
  });

  it('retries a failed attempt after its backoff and times out an attempt that runs too long', () => {
    const workflow = makeWorkflow(
      { flaky: [], slow: [] },
      { flaky: { retries: 2, retryDelayMs: 500 }, slow: { timeoutMs: 800 } },
    );
    const script: AttemptScript = (job) =>
      job.stepId === 'slow'
        ? { durationMs: 5000 }
        : {
            durationMs: 100,
            outcome:
              job.attempt === 1
                ? { ok: false, reason: 'exit_code', exitCode: 1, message: 'exited with code 1' }
                : undefined,
          };
    const { events, report } = simulateRun({ runId: 'r', workflow, startMs: T0, script });
    expect(timeline(events).filter((line) => line.startsWith('attempt'))).toEqual([
      'attempt.started flaky#1 @0',
      'attempt.started slow#1 @0',
      'attempt.finished flaky#1 @100',
      'attempt.started flaky#2 @600',
      'attempt.finished flaky#2 @700',
      'attempt.finished slow#1 @800',
    ]);
    expect(report.steps.flaky).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(report.steps.slow).toMatchObject({ status: 'failed', reason: 'timeout' });
  });

  it('decides conditions on the outputs the script gives', () => {
    const workflow = makeWorkflow(
      { check: [], deploy: ['check'], alert: ['check'] },
      {
        deploy: { if: parseCondition('steps.check.outputs.changed == true') },
        alert: { if: parseCondition("steps.check.status == 'succeeded'") },
      },
    );
    const { report } = simulateRun({
      runId: 'r',
      workflow,
      script: () => ({ durationMs: 10, outcome: { ok: true, outputs: { changed: false } } }),
    });
    expect(report.steps.deploy).toMatchObject({ status: 'skipped', reason: 'condition_false' });
    expect(report.steps.alert.status).toBe('succeeded');
  });

  it('cancels at cancelAfterMs: attempts in flight end cancelled then, unstarted steps never run', () => {
    const workflow = makeWorkflow({ a: [], b: ['a'] });
    const { events, report } = simulateRun({
      runId: 'r',
      workflow,
      startMs: T0,
      cancelAfterMs: 400,
      script: lasting({ a: 1000 }),
    });
    expect(timeline(events).slice(-4)).toEqual([
      'step.finished b @400',
      'attempt.finished a#1 @400',
      'step.finished a @400',
      'run.finished @400',
    ]);
    expect(report).toMatchObject({
      status: 'cancelled',
      steps: { a: { status: 'cancelled' }, b: { status: 'cancelled' } },
    });
  });

  it('streams each log chunk as a step.log event and hands the step its whole log at step.finished', () => {
    const workflow = makeWorkflow({ a: [] }, { a: { retries: 1 } });
    const script: AttemptScript = (job) => ({
      durationMs: 100,
      outcome: job.attempt === 1 ? { ok: false, reason: 'exit_code' } : { ok: true, outputs: {} },
      log: [
        { afterMs: 0, chunk: `try ${job.attempt}\n` },
        { afterMs: 100, chunk: job.attempt === 1 ? 'boom\n' : 'ok\n' },
      ],
    });
    const { events } = simulateRun({ runId: 'r', workflow, startMs: T0, script });
    expect(
      events
        .filter((e) => e.type === 'step.log')
        .map((e) => `${e.type === 'step.log' ? e.chunk.trim() : ''} @${at(e)}`),
    ).toEqual(['try 1 @0', 'boom @100', 'try 2 @100', 'ok @200']);
    const finished = events.find((e) => e.type === 'step.finished');
    expect(finished?.type === 'step.finished' && finished.log).toBe(
      'try 1\nboom\n--- weft: attempt 2 ---\ntry 2\nok\n',
    );
  });

  it('is deterministic: the same run twice gives the same events', () => {
    const workflow = makeWorkflow({ a: [], b: [], c: [], d: ['a', 'b'], e: ['c'] }, {}, { maxParallel: 2 });
    const run = () =>
      simulateRun({ runId: 'r', workflow, startMs: T0, script: lasting({ a: 300, b: 300, c: 300 }) });
    expect(run().events).toEqual(run().events);
  });
});
