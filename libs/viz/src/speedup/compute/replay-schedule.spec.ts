import { CycleDetectedError, simulateRun } from '@weft/core/browser';
import { pipeline200Workflow, pipeline1000Workflow } from '../../fixtures/big-workflows';
import type { FixtureWorkflow } from '../../fixtures/run-fixture';
import { replayMakespans, replayWorkflow, type ScheduleTask } from './replay-schedule';
import { computeSpeedup, estimateWhatIf } from './speedup';
import { seedDemoLive } from '../../fixtures';
import { initialRunState } from '../../state/reduce-run-events';
import type { RunState, StepState } from '../../state/run-state.types';

const task = (id: string, ms: number | number[], needs: string[] = []): ScheduleTask => ({
  id,
  needs,
  durations: Array.isArray(ms) ? ms : [ms],
});
const seed = [task('u', 2000), task('p', 2000), task('i', 2000), task('r', 2000, ['u', 'p', 'i'])];

describe('replayMakespans', () => {
  it('replays the seed demo: 8 s one at a time, 6 s with 2 slots, 4 s with 3 or more', () => {
    expect(replayMakespans(seed, [1, 2, 3, 8])).toEqual([8000, 6000, 4000, 4000]);
  });

  it('starts the longest remaining path first', () => {
    // Declaration order alone would start both short steps first and take 4 s.
    const tasks = [
      task('short1', 1000),
      task('short2', 1000),
      task('long', 1000),
      task('tail', 2000, ['long']),
    ];
    expect(replayMakespans(tasks, [2])).toEqual([3000]);
  });

  it('runs foreach items as separate processes and treats steps that did not run as instant', () => {
    const tasks = [
      task('fan', [1000, 1000, 1000, 1000]),
      task('skipped', [], ['fan']),
      task('after', 500, ['skipped']),
    ];
    expect(replayMakespans(tasks, [2, 4])).toEqual([2500, 1500]);
  });

  it('ignores dependencies on unknown steps and rejects a cycle, as the engine does', () => {
    expect(replayMakespans([task('a', 10, ['gone']), task('b', 10, ['a'])], [2])).toEqual([20]);
    expect(() => replayMakespans([task('a', 10, ['b']), task('b', 10, ['a'])], [2])).toThrow(
      CycleDetectedError,
    );
  });
});

describe('estimateWhatIf', () => {
  it('has no estimate for steps that need one another (no run has them)', () => {
    const step = (id: string, needs: string[]): StepState => ({
      id,
      type: null,
      needs,
      status: 'succeeded',
      reason: null,
      message: null,
      startMs: 0,
      endMs: 10,
      durationMs: 10,
      lane: 0,
      attempts: 1,
      itemCount: null,
      reused: false,
      worker: null,
      runsOn: null,
    });
    const cyclic: RunState = {
      ...initialRunState(),
      status: 'succeeded',
      maxParallel: 2,
      order: ['a', 'b'],
      steps: { a: step('a', ['b']), b: step('b', ['a']) },
    };
    expect(estimateWhatIf(cyclic)).toEqual([]);
    expect(
      estimateWhatIf({ ...cyclic, steps: { a: step('a', []), b: step('b', ['a']) } }).map(
        (w) => w.makespanMs,
      ),
    ).toEqual([20, 20, 20, 20, 20, 20, 20, 20]);
  });
});

describe('computeSpeedup while live', () => {
  it('measures the critical path on the durations so far', () => {
    // 1.2 s in, the three fetches have each run 1.2 s and the report has not started.
    const v = computeSpeedup(seedDemoLive.state, seedDemoLive.now);
    expect(v.criticalPathMs).toBe(1200);
    expect(v.idealSpeedup).toBe(3);
  });
});

describe('replayMakespans against the engine', () => {
  /** The same tasks run by Weft's run coordinator on a virtual clock. */
  function coordinatorMakespans(tasks: readonly ScheduleTask[], maxParallels: readonly number[]): number[] {
    const durations = new Map(tasks.map((t) => [t.id, t.durations]));
    const workflow = replayWorkflow(tasks);
    const estimates = Object.fromEntries(tasks.map((t) => [t.id, Math.max(0, ...t.durations)]));
    return maxParallels.map(
      (n) =>
        simulateRun({
          runId: `check-${n}`,
          workflow,
          estimates,
          maxParallel: n,
          script: (job) => ({ durationMs: durations.get(job.stepId)![job.item?.index ?? 0] ?? 0 }),
        }).report.makespanMs,
    );
  }

  const tasksOf = (wf: FixtureWorkflow): ScheduleTask[] =>
    wf.steps.map((s) => ({ id: s.id, needs: s.needs ?? [], durations: s.items ?? [s.durationMs ?? 0] }));

  it.each([
    ['200-step', pipeline200Workflow],
    ['1,000-step', pipeline1000Workflow],
  ])('gives the run coordinator\'s makespans on the %s pipeline', (_, wf) => {
    const tasks = tasksOf(wf());
    const limits = [1, 2, 3, 4, 6, 8, 16, 32];
    const replayed = replayMakespans(tasks, limits);
    expect(replayed).toEqual(coordinatorMakespans(tasks, limits));
    expect(replayed[0]).toBeGreaterThan(replayed[7]!);
  });

  it('gives the run coordinator\'s makespans on random workflows with ties, foreach steps and steps that did not run', () => {
    let s = 11;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let w = 0; w < 40; w++) {
      const tasks: ScheduleTask[] = [];
      const n = 5 + Math.floor(rnd() * 40);
      for (let i = 0; i < n; i++) {
        const needs = Array.from({ length: Math.floor(rnd() * 3) }, () => `t${Math.floor(rnd() * i)}`).filter(() => i > 0);
        const kind = rnd();
        // durations from a few round values, so that ends tie often
        const ms = () => 100 * (1 + Math.floor(rnd() * 4));
        const durations = kind < 0.1 ? [] : kind < 0.25 ? Array.from({ length: 1 + Math.floor(rnd() * 5) }, ms) : [ms()];
        tasks.push({ id: `t${i}`, needs, durations });
      }
      expect(replayMakespans(tasks, [1, 2, 3, 5])).toEqual(coordinatorMakespans(tasks, [1, 2, 3, 5]));
    }
  });
});
