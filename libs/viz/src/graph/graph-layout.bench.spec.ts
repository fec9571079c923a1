/**
 * @jest-environment node
 */
import { layoutGraph } from './compute/graph-layout';
import { collapseGraph } from './compute/graph-collapse';
import { pipeline1000Workflow, pipeline200Workflow } from '../fixtures/big-workflows';
import { largeWorkflow } from '../fixtures/workflows';
import type { FixtureWorkflow } from '../fixtures/run-fixture';

/**
 * Layout benchmark in Node: dagre's and the fast layered layout's time on the big fixtures, every
 * step laid out and with linear chains folded (as ExecutionGraph draws a big workflow). Prints the
 * figures (best of a few runs); the default 1,000-step layout must take under a second.
 */
function shape(wf: FixtureWorkflow) {
  const order = wf.steps.map((s) => s.id);
  const edges = wf.steps.flatMap((s) => (s.needs ?? []).map((d) => [d, s.id] as [string, string]));
  const foreach = new Set(wf.steps.filter((s) => s.items).map((s) => s.id));
  return { order, edges, foreach };
}

function best(runs: number, f: () => number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) min = Math.min(min, f());
  return Math.round(min * 10) / 10;
}

describe('layout benchmark (Node)', () => {
  it('lays out 200 and 1,000 steps; the default (folded, auto engine) 1,000-step layout under a second', () => {
    const lines: string[] = [];
    let folded1000 = Infinity;
    for (const [name, wf, runs] of [
      ['largeWorkflow 200', largeWorkflow(), 2],
      ['pipeline 200', pipeline200Workflow(), 2],
      ['pipeline 1000', pipeline1000Workflow(), 1],
    ] as const) {
      const { order, edges, foreach } = shape(wf);
      const c = collapseGraph(order, edges, { minChain: 4, keep: (id) => foreach.has(id) });
      const time = (o: readonly string[], e: readonly (readonly [string, string])[], layoutEngine: 'dagre' | 'fast') =>
        best(runs, () => layoutGraph(o, e, { layoutEngine }).layoutMs);
      const dagreAll = time(order, edges, 'dagre');
      const dagreFolded = time(c.order, c.edges, 'dagre');
      const fastAll = time(order, edges, 'fast');
      const fastFolded = time(c.order, c.edges, 'fast');
      const auto = layoutGraph(c.order, c.edges);
      if (name === 'pipeline 1000') folded1000 = best(runs, () => layoutGraph(c.order, c.edges).layoutMs);
      lines.push(
        `${name}: all ${order.length} nodes / ${edges.length} edges: dagre ${dagreAll} ms, fast ${fastAll} ms; ` +
          `folded ${c.order.length} nodes / ${c.edges.length} edges: dagre ${dagreFolded} ms, fast ${fastFolded} ms (auto picks ${auto.engine})`,
      );
    }
    console.log(`dagre in Node ${process.version}:\n${lines.join('\n')}`);
    expect(folded1000).toBeLessThan(1000);
  }, 60_000);
});
