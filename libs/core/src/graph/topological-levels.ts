import type { StepId } from '../spec/workflow.types';
import type { WorkflowGraph } from './workflow-graph';

/**
 * Parallel levels by Kahn's algorithm: level 0 holds the roots, level k the steps whose longest
 * dependency chain has k steps before them. Steps keep declaration order within a level.
 * Steps on a cycle belong to no level; they are returned in `unsorted`.
 */
export function topologicalLevels(graph: WorkflowGraph): { levels: StepId[][]; order: StepId[]; unsorted: StepId[] } {
  const remaining: Record<StepId, number> = Object.create(null);
  const level: Record<StepId, number> = Object.create(null);
  for (const id of graph.steps) {
    remaining[id] = graph.dependencies[id].length;
    level[id] = 0;
  }
  const order: StepId[] = graph.steps.filter((id) => remaining[id] === 0);
  for (let i = 0; i < order.length; i++) {
    const id = order[i];
    for (const next of graph.dependents[id]) {
      if (level[next] < level[id] + 1) level[next] = level[id] + 1;
      if (--remaining[next] === 0) order.push(next);
    }
  }
  const levels: StepId[][] = [];
  const sorted = new Set(order);
  for (const id of graph.steps) {
    if (!sorted.has(id)) continue;
    (levels[level[id]] ??= []).push(id);
  }
  return { levels, order, unsorted: graph.steps.filter((id) => !sorted.has(id)) };
}
