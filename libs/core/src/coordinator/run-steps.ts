import type { IndexedGraph } from '../graph/indexed-graph';
import type { ReferenceScope } from '../spec/references';
import type { StepDefinition, StepId } from '../spec/workflow.types';
import { newStep, type StepState } from './step-state';

/** The steps of one run, their outputs so far, and the graph between them. */
export class RunSteps {
  readonly #byId = new Map<StepId, StepState>();
  readonly #outputs = new Map<StepId, unknown>();
  readonly #graph: IndexedGraph;
  #finished = 0;

  constructor(steps: readonly StepDefinition[], graph: IndexedGraph) {
    this.#graph = graph;
    const { depStart } = graph;
    steps.forEach((def, num) => this.#byId.set(def.id, newStep(def, num, depStart[num + 1] - depStart[num])));
  }

  get(id: StepId): StepState {
    return this.#byId.get(id)!;
  }

  /** Every step, in declaration order. */
  all(): IterableIterator<StepState> {
    return this.#byId.values();
  }

  /** True when every step is terminal. */
  get allFinished(): boolean {
    return this.#finished === this.#byId.size;
  }

  /** The steps `step` depends on. */
  dependencies(step: StepState): StepState[] {
    const { depStart, deps, ids } = this.#graph;
    const list: StepState[] = [];
    for (let k = depStart[step.num]; k < depStart[step.num + 1]; k++) list.push(this.get(ids[deps[k]]));
    return list;
  }

  /** The steps that depend on `step`. */
  dependents(step: StepState): StepState[] {
    const { outStart, outs, ids } = this.#graph;
    const list: StepState[] = [];
    for (let k = outStart[step.num]; k < outStart[step.num + 1]; k++) list.push(this.get(ids[outs[k]]));
    return list;
  }

  /** Records a terminal step's outputs, which later references read. */
  finished(step: StepState, outputs: unknown): void {
    this.#outputs.set(step.def.id, outputs);
    this.#finished++;
  }

  /** What references resolve against: each step's status and outputs, and the `foreach` item. */
  scope(item?: { item: unknown; index: number }): ReferenceScope {
    return {
      step: (id: StepId) => {
        const step = this.#byId.get(id);
        return step && { status: step.status, outputs: this.#outputs.get(id) ?? {} };
      },
      ...(item ?? {}),
    };
  }

  /** A failure that fails the run: a step failed without `continueOnError`, or failFast cancelled one. */
  anyFailure(failFast: boolean): boolean {
    for (const step of this.#byId.values()) {
      if (step.status === 'failed' && !step.def.continueOnError) return true;
      if (step.status === 'cancelled' && failFast) return true;
    }
    return false;
  }
}
