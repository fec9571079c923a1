import type { StepId } from '../spec/workflow.types';
import { indexWorkflowGraph, kahn } from './indexed-graph';
import type { WorkflowGraph } from './workflow-graph';

/**
 * Parallel levels by Kahn's algorithm: level 0 holds the roots, level k the steps whose longest
 * dependency chain has k steps before them. Steps keep declaration order within a level.
 * Steps on a cycle belong to no level; they are returned in `unsorted`.
 */
export function topologicalLevels(graph: WorkflowGraph): { levels: StepId[][]; order: StepId[]; unsorted: StepId[] } {
  const indexed = indexWorkflowGraph(graph);
  const { order, length, level } = kahn(indexed);
  const sorted = new Uint8Array(graph.steps.length);
  for (let h = 0; h < length; h++) sorted[order[h]] = 1;
  const levels: StepId[][] = [];
  const unsorted: StepId[] = [];
  graph.steps.forEach((id, i) => (sorted[i] ? (levels[level[i]] ??= []).push(id) : unsorted.push(id)));
  return { levels, order: Array.from(order.subarray(0, length), (i) => graph.steps[i]), unsorted };
}
