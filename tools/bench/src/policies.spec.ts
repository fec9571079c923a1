import type { BenchDag } from './bench-dag.types';
import { VirtualClock } from './clock';
import { POLICIES, criticalPathFirst, criticalPathFirstWithEstimates, dagLevels, fifoQueue, levelByLevel, measureMakespan, type SchedulingPolicy } from './policies';
import { SleepStepType } from './sleep.step-type';
import { chainDag, fanOutDag, seedDemoDag, sleepDags, unbalancedDag, unbalancedDurationsDag } from './sleep-dags';
import { makespanBounds } from './lower-bound';

/** Makespan in units on an instant fake clock (1 unit = 1 virtual ms). */
const makespan = (policy: SchedulingPolicy, dag: BenchDag) => measureMakespan(policy, dag, new SleepStepType(new VirtualClock()), 1);

describe('dagLevels', () => {
  it('puts each step one level after its deepest dependency', () => {
    const levels = dagLevels({
      name: 't',
      description: '',
      maxParallel: 2,
      steps: [
        { id: 'a', needs: [], units: 1 },
        { id: 'b', needs: ['a'], units: 1 },
        { id: 'c', needs: [], units: 1 },
        { id: 'd', needs: ['b', 'c'], units: 1 },
      ],
    });
    expect(levels.map((level) => level.map((s) => s.id))).toEqual([['a', 'c'], ['b'], ['d']]);
  });
});

describe('scheduling policies on an instant clock', () => {
  it('leave the short steps of the unbalanced DAG for the chain to wait on, except critical-path-first', async () => {
    // 8 one-unit steps declared before a 4-step chain, 4 slots: the bound is 4 units.
    expect(await makespan(levelByLevel, unbalancedDag())).toBe(6);
    expect(await makespan(fifoQueue, unbalancedDag())).toBe(6);
    expect(await makespan(criticalPathFirst, unbalancedDag())).toBe(4);
  });

  it('need duration estimates when step counts mislead', async () => {
    expect(await makespan(criticalPathFirst, unbalancedDurationsDag())).toBe(8);
    expect(await makespan(criticalPathFirstWithEstimates, unbalancedDurationsDag())).toBe(6);
  });

  it('all reach the bound where there is no choice to make', async () => {
    for (const policy of POLICIES) {
      expect(await makespan(policy, chainDag(5))).toBe(5);
      expect(await makespan(policy, seedDemoDag())).toBe(4);
      expect(await makespan(policy, fanOutDag(16))).toBe(6);
    }
  });

  it('never let critical-path-first with estimates do worse than the baselines, nor beat the bound', async () => {
    for (const dag of sleepDags()) {
      const best = await makespan(criticalPathFirstWithEstimates, dag);
      expect(best).toBeGreaterThanOrEqual(makespanBounds(dag).tight);
      expect(best).toBeLessThanOrEqual(await makespan(levelByLevel, dag));
      expect(best).toBeLessThanOrEqual(await makespan(fifoQueue, dag));
    }
  });

  it('fails loudly when a policy runs more steps at once than maxParallel', async () => {
    const greedy: SchedulingPolicy = {
      name: 'greedy',
      description: 'ignores the limit',
      run: async (dag, stepType) => {
        const signal = new AbortController().signal;
        await Promise.all(dag.steps.map((s) => stepType.run({ stepId: s.id, config: { ms: 1 }, signal } as never)));
      },
    };
    await expect(makespan(greedy, fanOutDag(8))).rejects.toThrow('greedy ran 10 steps at once on wide-fan-out, over maxParallel 4');
  });
});

describe('VirtualClock', () => {
  it('jumps to the next wake-up when everything waits, and says so when nothing can wake up', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    await clock.drive(Promise.all([clock.sleep(30).then(() => order.push('b')), clock.sleep(10).then(() => order.push('a'))]));
    expect(order).toEqual(['a', 'b']);
    expect(clock.now()).toBe(30);
    await expect(clock.drive(new Promise(() => undefined))).rejects.toThrow('waiting on something other than this clock');
  });
});
