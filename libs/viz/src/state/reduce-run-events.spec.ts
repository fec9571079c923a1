import type { ExecutionEvent } from '@weft/core/browser';
import { initialRunState, reduceAll, reduceRunEvents } from './reduce-run-events';
import { applyPlan, runStateFromReport } from './run-state-from-report';
import {
  eventsUntil,
  failuresOnWorkersRun,
  failuresRun,
  runFixture,
  seedDemoRun,
  wideFanOutOnWorkersRun,
  wideFanOutRun,
} from '../fixtures';

const at = (ms: number) => new Date(Date.parse('2026-11-26T10:00:00.000Z') + ms).toISOString();
const started = (): ExecutionEvent => ({
  type: 'run.started',
  runId: 'r1',
  timestamp: at(0),
  running: 0,
  workflow: 'w',
  maxParallel: 2,
  plan: { steps: ['a', 'b'], edges: [['a', 'b']], levels: [['a'], ['b']], criticalPath: ['a', 'b'], idealSpeedup: 1 },
  steps: [
    { id: 'a', type: 'shell', needs: [] },
    { id: 'b', type: 'shell', needs: ['a'] },
  ],
});

describe('reduceRunEvents', () => {
  it('starts with every declared step pending and the plan as edges and critical path', () => {
    const s = reduceRunEvents(initialRunState(), started());
    expect(s.status).toBe('running');
    expect(s.order).toEqual(['a', 'b']);
    expect(s.steps.b).toMatchObject({ status: 'pending', needs: ['a'], type: 'shell' });
    expect(s.edges).toEqual([['a', 'b']]);
    expect(s.criticalPath).toEqual(['a', 'b']);
  });

  it('does not mutate the state it is given', () => {
    const s0 = reduceRunEvents(initialRunState(), started());
    const frozen = JSON.stringify(s0);
    reduceRunEvents(s0, { type: 'step.started', runId: 'r1', timestamp: at(5), running: 1, stepId: 'a', lane: 0 });
    expect(JSON.stringify(s0)).toBe(frozen);
  });

  it('tracks the running count and keeps its peak', () => {
    const live = reduceAll(eventsUntil(seedDemoRun, 1200));
    expect(live.running).toBe(3);
    expect(live.peak).toBe(3);
    const later = reduceAll(eventsUntil(seedDemoRun, 2900));
    expect(later.running).toBe(1);
    expect(later.peak).toBe(3);
    expect(later.steps.generate_report!.status).toBe('running');
  });

  it('records each attempt with its lane, and retries as separate attempts', () => {
    const s = reduceAll(failuresRun.events);
    const upload = s.attempts.filter((a) => a.stepId === 'upload_snapshot');
    expect(upload.map((a) => [a.attempt, a.ok, a.willRetry])).toEqual([
      [1, false, true],
      [2, true, false],
    ]);
    expect(upload.every((a) => a.lane !== null && a.endMs !== null)).toBe(true);
  });

  it('records foreach items as their own processes', () => {
    const s = reduceAll(wideFanOutRun.events);
    expect(s.steps.score_shards!.itemCount).toBe(6);
    expect(s.attempts.filter((a) => a.stepId === 'score_shards').map((a) => a.item).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps skip reasons and ends with the report and its measured critical path', () => {
    const s = reduceAll(failuresRun.events);
    expect(s.status).toBe('failed');
    expect(s.steps.train_model).toMatchObject({ status: 'skipped', reason: 'upstream_failed' });
    expect(s.steps.publish_model).toMatchObject({ status: 'skipped', reason: 'upstream_skipped' });
    expect(s.steps.deploy_canary).toMatchObject({ status: 'skipped', reason: 'condition_false' });
    expect(s.report).toBe(failuresRun.report);
    expect(s.criticalPath).toEqual(failuresRun.report.criticalPath);
  });

  it('appends log chunks and replaces them with the full log at step.finished', () => {
    const mid = reduceAll(eventsUntil(seedDemoRun, 100));
    expect(mid.logs.fetch_user_data).toContain('attempt 1 started');
    const done = reduceAll(seedDemoRun.events);
    expect(done.logs.fetch_user_data).toContain('done');
  });

  it('starts over on a replayed run.started, so a reconnect that replays the stream ends in the same state', () => {
    const once = reduceAll(seedDemoRun.events);
    const twice = reduceAll([...eventsUntil(seedDemoRun, 2500), ...seedDemoRun.events]);
    expect(twice.steps).toEqual(once.steps);
    expect(twice.attempts).toEqual(once.attempts);
  });

  it('ignores events of another run and unknown event types', () => {
    const s = reduceRunEvents(initialRunState(), started());
    const other = reduceRunEvents(s, { type: 'step.started', runId: 'zzz', timestamp: at(1), running: 1, stepId: 'a', lane: 0 });
    expect(other).toBe(s);
    const unknown = reduceRunEvents(s, { type: 'run.paused', runId: 'r1', timestamp: at(2), running: 0 } as unknown as ExecutionEvent);
    expect(unknown.steps).toBe(s.steps);
  });

  it('closes a step’s open process at step.finished when the stream sends no attempt events', () => {
    let s = reduceRunEvents(initialRunState(), started());
    s = reduceRunEvents(s, { type: 'step.started', runId: 'r1', timestamp: at(10), running: 1, stepId: 'a', lane: 0 });
    s = reduceRunEvents(s, {
      type: 'step.finished',
      runId: 'r1',
      timestamp: at(1010),
      running: 0,
      stepId: 'a',
      log: 'hi',
      hash: null,
      result: {
        status: 'succeeded', startedAt: at(10), finishedAt: at(1010), durationMs: 1000, exitCode: 0, signal: null,
        attempts: 1, outputs: {}, reason: null, message: null, lane: 0, reused: false, worker: null,
      },
    });
    expect(s.steps.a).toMatchObject({ status: 'succeeded', durationMs: 1000, lane: 0 });
    expect(s.logs.a).toBe('hi');
    expect(s.peak).toBe(1);
  });
});

describe('reduceRunEvents with workers', () => {
  const attemptStarted = (attempt: number, worker: string | null, ms: number): ExecutionEvent => ({
    type: 'attempt.started', runId: 'r1', timestamp: at(ms), running: 1, stepId: 'a', attempt, item: null, lane: 0, worker,
  });
  const attemptFinished = (attempt: number, worker: string | null, ms: number): ExecutionEvent => ({
    type: 'attempt.finished', runId: 'r1', timestamp: at(ms), running: 0, stepId: 'a', attempt, item: null, lane: 0, worker,
    startedAt: at(ms - 100), durationMs: 100, ok: attempt > 1, exitCode: attempt > 1 ? 0 : 1, signal: null,
    reason: attempt > 1 ? null : 'exit_code', message: null, outputs: null, willRetry: attempt === 1, retryInMs: attempt === 1 ? 0 : null,
  });

  it('keeps the worker of each attempt, and the step takes its last attempt’s', () => {
    let s = reduceRunEvents(initialRunState(), started());
    s = reduceRunEvents(s, attemptStarted(1, 'build-1:4242', 10));
    expect(s.steps.a!.worker).toBe('build-1:4242');
    s = reduceAll([attemptFinished(1, 'build-1:4242', 110), attemptStarted(2, 'gpu-a:913', 120)], s);
    expect(s.attempts.map((a) => [a.attempt, a.worker])).toEqual([
      [1, 'build-1:4242'],
      [2, 'gpu-a:913'],
    ]);
    expect(s.steps.a!.worker).toBe('gpu-a:913');
  });

  it('reads a missing worker (a server from before workers) as the server itself', () => {
    const { worker: _, ...old } = attemptStarted(1, 'w', 10) as Extract<ExecutionEvent, { type: 'attempt.started' }>;
    const s = reduceAll([started(), old as ExecutionEvent]);
    expect(s.attempts[0]!.worker).toBeNull();
    expect(s.steps.a!.worker).toBeNull();
  });

  it('takes an attempt’s worker from its finish when its start was not seen', () => {
    const s = reduceAll([started(), attemptFinished(1, 'build-1:4242', 200)]);
    expect(s.attempts[0]!.worker).toBe('build-1:4242');
    expect(s.steps.a!.worker).toBe('build-1:4242');
  });

  it('keeps the workers the events named when the final report has none (an older server)', () => {
    const events = wideFanOutOnWorkersRun.events.map((e): ExecutionEvent => {
      if (e.type !== 'run.finished') return e;
      const steps = Object.fromEntries(
        Object.entries(e.report.steps).map(([id, r]) => {
          const { worker: _, ...old } = r;
          return [id, old as typeof r];
        }),
      );
      return { ...e, report: { ...e.report, steps } };
    });
    const s = reduceAll(events);
    expect(s.steps.merge_sales!.worker).toBe(wideFanOutOnWorkersRun.report.steps.merge_sales!.worker);
    expect(s.steps.merge_sales!.worker).not.toBeNull();
  });

  it('agrees with the report on every step’s worker', () => {
    for (const run of [wideFanOutOnWorkersRun, failuresOnWorkersRun]) {
      const s = reduceAll(run.events);
      for (const [id, r] of Object.entries(run.report.steps)) expect([id, s.steps[id]!.worker]).toEqual([id, r.worker]);
    }
    const upload = reduceAll(failuresOnWorkersRun.events).attempts.filter((a) => a.stepId === 'upload_snapshot');
    expect(new Set(upload.map((a) => a.worker)).size).toBe(2);
  });
});

describe('reduceRunEvents with worker labels', () => {
  const labelled = (): ExecutionEvent => {
    const e = started() as Extract<ExecutionEvent, { type: 'run.started' }>;
    return { ...e, steps: [{ ...e.steps[0]!, runsOn: 'gpu' }, { ...e.steps[1]!, runsOn: null }] };
  };

  it('keeps the label each step asks for from run.started, null for one that runs anywhere', () => {
    const s = reduceRunEvents(initialRunState(), labelled());
    expect(s.steps.a!.runsOn).toBe('gpu');
    expect(s.steps.b!.runsOn).toBeNull();
  });

  it('reads a missing runsOn (a server from before labels) as none', () => {
    const s = reduceRunEvents(initialRunState(), started());
    expect(s.steps.a!.runsOn).toBeNull();
    expect(s.steps.b!.runsOn).toBeNull();
  });

  it('keeps the labels through the steps’ events and the final report, which has none', () => {
    const run = runFixture({
      name: 'labels',
      maxParallel: 2,
      steps: [{ id: 'prep' }, { id: 'train', needs: ['prep'], runsOn: 'gpu', failAttempts: 1, retries: 1 }, { id: 'render', needs: ['train'], runsOn: 'gpu' }],
    });
    const mid = reduceAll(eventsUntil(run, 100));
    expect(mid.steps.train).toMatchObject({ status: 'pending', runsOn: 'gpu' });
    const s = reduceAll(run.events);
    expect(s.status).toBe('succeeded');
    expect(s.order.map((id) => [id, s.steps[id]!.runsOn])).toEqual([
      ['prep', null],
      ['train', 'gpu'],
      ['render', 'gpu'],
    ]);
  });

  it('starts over with the labels on a replayed run.started, and keeps them when a plan is applied', () => {
    const replayed = reduceAll([labelled(), { type: 'step.started', runId: 'r1', timestamp: at(5), running: 1, stepId: 'a', lane: 0 }, labelled()]);
    expect(replayed.steps.a).toMatchObject({ status: 'pending', runsOn: 'gpu' });
    const e = labelled() as Extract<ExecutionEvent, { type: 'run.started' }>;
    const noEdges = reduceRunEvents(initialRunState(), { ...e, plan: { ...e.plan, edges: [] }, steps: e.steps.map((st) => ({ ...st, needs: [] })) });
    const planned = applyPlan(noEdges, { ...e.plan, steps: ['a', 'b', 'c'] });
    expect(planned.steps.a!.runsOn).toBe('gpu');
    expect(planned.steps.c!.runsOn).toBeNull();
  });

  it('knows no label from a report alone', () => {
    const s = runStateFromReport(seedDemoRun.report, seedDemoRun.plan);
    expect(Object.values(s.steps).every((st) => st.runsOn === null)).toBe(true);
  });
});

describe('runStateFromReport', () => {
  it('gives each step, and each foreach item’s process, the worker the report names', () => {
    const fromEvents = reduceAll(wideFanOutOnWorkersRun.events);
    const fromReport = runStateFromReport(wideFanOutOnWorkersRun.report, wideFanOutOnWorkersRun.plan);
    expect(fromReport.steps.fetch_eu_west!.worker).toBe(fromEvents.steps.fetch_eu_west!.worker);
    const items = (s: typeof fromReport) =>
      s.attempts.filter((a) => a.stepId === 'score_shards').sort((a, b) => a.item! - b.item!).map((a) => a.worker);
    expect(items(fromReport)).toEqual(items(fromEvents));
    expect(new Set(items(fromReport)).size).toBeGreaterThan(1);
  });

  it('reads a report without workers as run on the server', () => {
    const s = runStateFromReport(seedDemoRun.report, seedDemoRun.plan);
    expect(s.attempts.every((a) => a.worker === null)).toBe(true);
    expect(Object.values(s.steps).every((st) => st.worker === null)).toBe(true);
  });

  it('rebuilds steps, processes and the peak from a plain report', () => {
    const s = runStateFromReport(seedDemoRun.report, seedDemoRun.plan);
    expect(s.status).toBe('succeeded');
    expect(s.order).toEqual(seedDemoRun.plan.steps);
    expect(s.edges).toHaveLength(3);
    expect(s.attempts).toHaveLength(4);
    expect(s.peak).toBe(3);
    expect(s.criticalPath).toEqual(seedDemoRun.report.criticalPath);
  });

  it('works without a plan (no edges) and with foreach items', () => {
    const s = runStateFromReport(wideFanOutRun.report);
    expect(s.edges).toEqual([]);
    expect(s.attempts.filter((a) => a.stepId === 'score_shards')).toHaveLength(6);
  });

  it('agrees with the event stream on every step status', () => {
    const run = runFixture({ name: 'x', maxParallel: 2, steps: [{ id: 'a' }, { id: 'b', needs: ['a'], fail: true }, { id: 'c', needs: ['b'] }] });
    const fromEvents = reduceAll(run.events);
    const fromReport = runStateFromReport(run.report, run.plan);
    for (const id of ['a', 'b', 'c']) expect(fromReport.steps[id]!.status).toBe(fromEvents.steps[id]!.status);
  });
});

describe('applyPlan', () => {
  it('gives a run replayed without edges (a finished run from history) the plan’s edges and needs', () => {
    const report = seedDemoRun.report;
    const bare = runStateFromReport(report);
    expect(bare.edges).toEqual([]);
    const s = applyPlan(bare, seedDemoRun.plan);
    expect(s.edges).toHaveLength(3);
    expect(s.steps.generate_report!.needs).toHaveLength(3);
    expect(s.steps.generate_report!.status).toBe('succeeded');
    expect(s.order).toEqual(seedDemoRun.plan.steps);
  });

  it('leaves a state that has edges, or no plan, as it is', () => {
    const s = runStateFromReport(seedDemoRun.report, seedDemoRun.plan);
    expect(applyPlan(s, seedDemoRun.plan)).toBe(s);
    expect(applyPlan(s, null)).toBe(s);
  });
});
