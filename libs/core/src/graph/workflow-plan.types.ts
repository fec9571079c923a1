import type { StepId } from '../spec/workflow.types';

/** The analysis of a workflow, as `weft plan --json` prints it. */
export interface WorkflowPlan {
  /** Step ids in declaration order. */
  readonly steps: StepId[];
  /** Dependency edges `[from, to]`: `to` waits for `from`. */
  readonly edges: [StepId, StepId][];
  /** Parallel levels: level k holds the steps whose longest dependency chain has k steps. */
  readonly levels: StepId[][];
  /** The longest chain by estimated duration (equal weights when none are known). */
  readonly criticalPath: StepId[];
  /** Sum of estimated durations / critical-path length. */
  readonly idealSpeedup: number;
}
