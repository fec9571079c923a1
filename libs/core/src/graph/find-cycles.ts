import type { StepId } from '../spec/workflow.types';
import type { WorkflowGraph } from './workflow-graph';

/** Stops cycle enumeration on pathological graphs: at most this many cycles are listed. */
export const MAX_REPORTED_CYCLES = 100;

/** Bounds the work of cycle enumeration (edges followed), so a dense hostile graph cannot hang it. */
const MAX_CYCLE_SEARCH_STEPS = 2_000_000;

/**
 * Strongly connected components with more than one step (or a step that depends on itself),
 * by Tarjan's algorithm, iterative so that 100,000-step chains do not overflow the stack.
 * Each component lists its steps in declaration order.
 */
export function findCyclicComponents(graph: WorkflowGraph): StepId[][] {
  const order = new Map<StepId, number>();
  graph.steps.forEach((id, i) => order.set(id, i));
  const index = new Map<StepId, number>();
  const low = new Map<StepId, number>();
  const onStack = new Set<StepId>();
  const stack: StepId[] = [];
  const components: StepId[][] = [];
  let counter = 0;

  for (const start of graph.steps) {
    if (index.has(start)) continue;
    // Each frame: the step and the position of the next edge to follow.
    const frames: [StepId, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (frames.length) {
      const frame = frames[frames.length - 1];
      const [id, edge] = frame;
      const next = graph.dependencies[id];
      if (edge < next.length) {
        frame[1]++;
        const to = next[edge];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          frames.push([to, 0]);
        } else if (onStack.has(to)) {
          low.set(id, Math.min(low.get(id)!, index.get(to)!));
        }
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames[frames.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(id)!));
      }
      if (low.get(id) === index.get(id)) {
        const component: StepId[] = [];
        let member: StepId;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== id);
        if (component.length > 1 || graph.dependencies[id].includes(id)) {
          components.push(component.sort((a, b) => order.get(a)! - order.get(b)!));
        }
      }
    }
  }
  return components.sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/**
 * Every elementary cycle, each as the path it takes in execution order: `['a', 'b', 'c']` means
 * a → b → c → a (b needs a, c needs b, a needs c). Each cycle starts at its earliest-declared step,
 * so none is listed twice. Returns `[]` for an acyclic graph. Enumeration stays inside each strongly
 * connected component and stops after {@link MAX_REPORTED_CYCLES}.
 */
export function findCycles(graph: WorkflowGraph, limit = MAX_REPORTED_CYCLES): StepId[][] {
  const cycles: StepId[][] = [];
  const order = new Map<StepId, number>();
  graph.steps.forEach((id, i) => order.set(id, i));
  let budget = MAX_CYCLE_SEARCH_STEPS;
  for (const component of findCyclicComponents(graph)) {
    const members = new Set(component);
    for (const start of component) {
      // Walk dependents (execution order) among later-declared members only, back to `start`.
      const path: StepId[] = [start];
      const onPath = new Set<StepId>([start]);
      const frames: [StepId, number][] = [[start, 0]];
      while (frames.length && cycles.length < limit && budget-- > 0) {
        const frame = frames[frames.length - 1];
        const [id, edge] = frame;
        const next = graph.dependents[id];
        if (edge >= next.length) {
          frames.pop();
          onPath.delete(path.pop()!);
          continue;
        }
        frame[1]++;
        const to = next[edge];
        if (to === start) {
          cycles.push([...path]);
        } else if (members.has(to) && !onPath.has(to) && order.get(to)! > order.get(start)!) {
          path.push(to);
          onPath.add(to);
          frames.push([to, 0]);
        }
      }
      if (cycles.length >= limit || budget <= 0) return cycles;
    }
  }
  return cycles;
}
