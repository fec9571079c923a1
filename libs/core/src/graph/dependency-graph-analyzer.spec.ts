import { CycleDetectedError } from '../errors/cycle-detected.error';
import { parseCondition } from '../spec/expression/parse-condition';
import { makeStep, makeWorkflow } from '../testing/make-workflow';
import { criticalPath, stepWeights, weightArray } from './critical-path';
import { DependencyGraphAnalyzer, analyzeWorkflow } from './dependency-graph-analyzer';
import { findCycles, findCyclicComponents } from './find-cycles';
import { topologicalLevels } from './topological-levels';
import { buildGraph, buildIndexedGraph, graphFromDependencies } from './workflow-graph';

describe('buildGraph', () => {
  it('joins explicit needs with every reference in inputs, if, foreach, env and type fields', () => {
    const graph = buildGraph(
      makeWorkflow(
        { a: [], b: [], c: [], d: [], e: [], f: ['a'] },
        {
          f: {
            inputs: { x: '${steps.b.outputs}' },
            if: parseCondition("steps.c.status == 'succeeded'"),
            foreach: '${steps.d.outputs.list}',
            env: { E: 'id=${steps.e.outputs.id}' },
            config: { args: ['${steps.a.outputs.n}'] },
          },
        },
      ),
    );
    expect(graph.dependencies.f.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(graph.roots).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(graph.leaves).toEqual(['f']);
    expect(graph.dependents.a).toEqual(['f']);
  });

  it('drops references to unknown steps and duplicate edges', () => {
    const graph = buildGraph(makeWorkflow({ a: [], b: ['a', 'a', 'ghost'] }, { b: { inputs: { x: '${steps.a.outputs}' } } }));
    expect(graph.dependencies.b).toEqual(['a']);
  });

  it('is safe for ids that look like object properties', () => {
    const graph = graphFromDependencies({ __proto__x: [], constructor: ['__proto__x'], toString: [] });
    expect(graph.dependencies.constructor).toEqual(['__proto__x']);
    expect(graph.roots).toEqual(['__proto__x', 'toString']);
  });
});

describe('findCycles', () => {
  it('returns no cycle for a DAG', () => {
    expect(findCycles(graphFromDependencies({ a: [], b: ['a'], c: ['a', 'b'] }))).toEqual([]);
  });

  it('spells every cycle out in execution order, each once', () => {
    // b needs a, c needs b, a needs c: a → b → c → a. And a separate x ⇄ y, and a self-loop.
    const graph = graphFromDependencies({ a: ['c'], b: ['a'], c: ['b'], x: ['y'], y: ['x'], s: ['s'], ok: [] });
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['x', 'y'], ['s']]);
  });

  it('finds every elementary cycle inside one component', () => {
    const graph = graphFromDependencies({ a: ['b', 'c'], b: ['a'], c: ['a'] });
    expect(findCycles(graph)).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
    expect(findCyclicComponents(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('stops at the limit on a dense graph', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const graph = graphFromDependencies(Object.fromEntries(ids.map((id) => [id, ids.filter((o) => o !== id)])));
    expect(findCycles(graph, 50)).toHaveLength(50);
  });

  it('handles a 100,000-step chain without overflowing the stack', () => {
    const adjacency: Record<string, string[]> = { s0: ['s99999'] };
    for (let i = 1; i < 100_000; i++) adjacency[`s${i}`] = [`s${i - 1}`];
    const cycles = findCycles(graphFromDependencies(adjacency));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(100_000);
  });
});

describe('topologicalLevels', () => {
  it('puts each step one level after its deepest dependency', () => {
    const { levels, unsorted } = topologicalLevels(graphFromDependencies({ a: [], b: [], c: ['a'], d: ['c', 'b'], e: [] }));
    expect(levels).toEqual([['a', 'b', 'e'], ['c'], ['d']]);
    expect(unsorted).toEqual([]);
  });

  it('leaves steps on a cycle unsorted', () => {
    expect(topologicalLevels(graphFromDependencies({ a: [], b: ['c'], c: ['b'] })).unsorted).toEqual(['b', 'c']);
  });
});

describe('criticalPath', () => {
  it('follows the heaviest chain and weighs unknown steps by the median estimate', () => {
    const graph = graphFromDependencies({ a: [], b: [], c: ['a'], d: ['b'] });
    const weights = stepWeights(graph.steps, { a: 100, b: 10, c: 100 });
    expect(weights.d).toBe(100);
    const { order } = topologicalLevels(graph);
    const cp = criticalPath(graph, order, weights);
    expect(cp.path).toEqual(['a', 'c']);
    expect(cp.length).toBe(200);
    expect(cp.totalWeight).toBe(310);
    expect(cp.remaining.b).toBe(110);
  });

  it('uses equal weights without estimates and ignores invalid ones', () => {
    expect(stepWeights(['a', 'b'], { a: -1, b: Number.NaN })).toEqual({ a: 1, b: 1 });
    expect(stepWeights(['a', 'constructor'], Object.create(null))).toEqual({ a: 1, constructor: 1 });
  });

  it('reads estimates from any record, not only plain objects', () => {
    const prototypeless: Record<string, number> = Object.create(null);
    prototypeless.b = 30;
    expect(weightArray(['a', 'b'], prototypeless)).toEqual(Float64Array.from([30, 30]));
    class Estimates {
      get a(): number {
        return 5;
      }
    }
    expect(weightArray(['a', 'b'], new Estimates() as unknown as Record<string, number>)).toEqual(Float64Array.from([5, 5]));
  });
});

describe('DependencyGraphAnalyzer', () => {
  it('gives the plan of the seed demo: three roots in parallel, then the report', () => {
    const plan = analyzeWorkflow(
      makeWorkflow(
        { fetch_user_data: [], fetch_product_data: [], fetch_inventory_data: [], generate_report: [] },
        {
          generate_report: {
            inputs: {
              user_data: '${steps.fetch_user_data.outputs}',
              product_data: '${steps.fetch_product_data.outputs}',
              inventory_data: '${steps.fetch_inventory_data.outputs}',
            },
          },
        },
      ),
    );
    expect(plan.levels).toEqual([['fetch_user_data', 'fetch_product_data', 'fetch_inventory_data'], ['generate_report']]);
    expect(plan.edges).toEqual([
      ['fetch_user_data', 'generate_report'],
      ['fetch_product_data', 'generate_report'],
      ['fetch_inventory_data', 'generate_report'],
    ]);
    expect(plan.criticalPath).toEqual(['fetch_user_data', 'generate_report']);
    expect(plan.idealSpeedup).toBe(2);
  });

  it('throws a CycleDetectedError naming every cycle', () => {
    const analyzer = new DependencyGraphAnalyzer();
    try {
      analyzer.analyze(makeWorkflow({ a: ['b'], b: ['a'], c: ['c'] }));
      throw new Error('expected a cycle error');
    } catch (error) {
      expect(error).toBeInstanceOf(CycleDetectedError);
      expect((error as CycleDetectedError).message).toBe('cycle: a → b → a\ncycle: c → c');
    }
  });

  it('tells which steps can never run alongside a step', () => {
    const analyzer = new DependencyGraphAnalyzer();
    const { graph } = analyzer.analyze(makeWorkflow({ a: [], b: ['a'], c: ['b'], x: [] }));
    expect([...analyzer.related(graph, 'b')].sort()).toEqual(['a', 'c']);
    expect(analyzer.related(graph, 'x').size).toBe(0);
  });

  it('finds needs on steps declared further down, once each', () => {
    const { indexed, plan } = new DependencyGraphAnalyzer().analyze(makeWorkflow({ a: ['c'], b: ['c', 'a', 'c', 'ghost'], c: [] }));
    expect(plan.edges).toEqual([
      ['c', 'a'],
      ['c', 'b'],
      ['a', 'b'],
    ]);
    expect(Array.from(indexed.outs)).toEqual([1, 0, 1]);
  });

  it('numbers the steps by id on first use of the index, a repeated id keeping its first number', () => {
    const { index } = buildIndexedGraph({ steps: [makeStep('a'), makeStep('b'), makeStep('a', { needs: ['b'] })] });
    expect([...index]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });

  it('lays out the edges of a large plan as those of a small one', () => {
    // Each step needs the two before it: 39,997 edges, past the size where the pairs are made apart.
    const adjacency: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) adjacency[`s${i}`] = i === 0 ? [] : i === 1 ? ['s0'] : [`s${i - 2}`, `s${i - 1}`];
    const { plan, levels } = new DependencyGraphAnalyzer().analyze(makeWorkflow(adjacency));
    expect(plan.edges).toHaveLength(39_997);
    expect(plan.edges.slice(0, 4)).toEqual([
      ['s0', 's1'],
      ['s0', 's2'],
      ['s1', 's2'],
      ['s1', 's3'],
    ]);
    expect(plan.edges[39_996]).toEqual(['s19998', 's19999']);
    expect(levels).toHaveLength(20_000);
  });

  it('analyses an empty workflow', () => {
    expect(analyzeWorkflow({ steps: [] })).toEqual({ steps: [], edges: [], levels: [], criticalPath: [], idealSpeedup: 1 });
  });
});
