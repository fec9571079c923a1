/** One step of a benchmark DAG. */
export interface BenchStep {
  /** Step id, valid in a workflow and as a make target. */
  readonly id: string;
  /** Ids of the steps it depends on, all declared before it. */
  readonly needs: readonly string[];
  /** How long it runs, in time units (the bench scales units to milliseconds). */
  readonly units: number;
}

/** A DAG the bench runs or analyses: steps in declaration order plus the run's limit. */
export interface BenchDag {
  /** Short name used in tables and file names. */
  readonly name: string;
  /** One line saying what the shape is and why it is in the set. */
  readonly description: string;
  /** Steps running at once (the workflow's `maxParallel`, make's `-j`). */
  readonly maxParallel: number;
  readonly steps: readonly BenchStep[];
}
