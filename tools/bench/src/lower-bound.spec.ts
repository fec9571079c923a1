import type { BenchDag } from './bench-dag.types';
import { makespanBounds } from './lower-bound';
import { chainDag, diamondsDag, fanOutDag, seedDemoDag, unbalancedDag, unbalancedDurationsDag } from './sleep-dags';

const dag = (adjacency: Record<string, [string[], number]>, maxParallel = 2): BenchDag => ({
  name: 'tiny',
  description: '',
  maxParallel,
  steps: Object.entries(adjacency).map(([id, [needs, units]]) => ({ id, needs, units })),
});

describe('makespanBounds', () => {
  it('is the critical path when the chain dominates', () => {
    expect(makespanBounds(dag({ a: [[], 3], b: [['a'], 2], c: [[], 1] }))).toEqual({ criticalPath: 5, totalWork: 6, simple: 5, tight: 5 });
  });

  it('is total work over maxParallel when the steps are independent', () => {
    expect(makespanBounds(dag({ a: [[], 1], b: [[], 1], c: [[], 1] }))).toMatchObject({ criticalPath: 1, simple: 1.5, tight: 1.5 });
  });

  it('sees that the root of a fan-out runs alone', () => {
    // split, then 16 middles on 4 slots, then join: 1 + 16/4 + 1 = 6, while the simple bound says 4.5.
    expect(makespanBounds(fanOutDag(16))).toEqual({ criticalPath: 3, totalWork: 18, simple: 4.5, tight: 6 });
  });

  it('gives the hand-computed bounds of the sleep DAGs', () => {
    expect(makespanBounds(chainDag(8)).tight).toBe(8);
    expect(makespanBounds(diamondsDag(3))).toMatchObject({ criticalPath: 10, totalWork: 16, tight: 10 });
    expect(makespanBounds(unbalancedDag())).toMatchObject({ criticalPath: 4, totalWork: 12, simple: 4, tight: 4 });
    expect(makespanBounds(unbalancedDurationsDag())).toMatchObject({ criticalPath: 6, totalWork: 18, simple: 6, tight: 6 });
    expect(makespanBounds(seedDemoDag())).toMatchObject({ criticalPath: 4, totalWork: 8, simple: 4, tight: 4 });
  });

  it('rejects a step that needs a later one', () => {
    expect(() => makespanBounds(dag({ a: [['b'], 1], b: [[], 1] }))).toThrow("Expected 'b' (needed by 'a') to be declared before it");
  });
});
