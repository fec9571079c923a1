import { CycleDetectedError } from '@weft/core/browser';
import { replayMakespans, type ScheduleTask } from './replay-schedule';
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
