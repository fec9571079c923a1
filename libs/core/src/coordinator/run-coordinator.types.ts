import type { WorkflowAnalysis } from '../graph/dependency-graph-analyzer';
import type { ReusableStep } from '../run/parallel-executor.types';
import type { ReferenceScope } from '../spec/references';
import type { StepDefinition, StepId, Workflow } from '../spec/workflow.types';
import type { StepLimits, StepTypeHandler } from '../step-type/step-type';

/**
 * The content hash of a step about to run (see `stepHash`): retry from failure reuses a step whose
 * hash is unchanged. It may read the step's script files; the coordinator itself reads nothing.
 */
export type StepHasher = (def: StepDefinition, scope: ReferenceScope, items: readonly unknown[] | null) => string;

/** Where the coordinator finds a step type's code fields (a `StepTypeRegistry` will do). */
export interface StepTypeLookup {
  get(name: string): Pick<StepTypeHandler<unknown>, 'codeFields'> | undefined;
}

/** What a run coordinator decides from. */
export interface RunCoordinatorOptions {
  readonly runId: string;
  /** The validated workflow. */
  readonly workflow: Workflow;
  /** Its analysis (`DependencyGraphAnalyzer`): graph, plan and ready-queue priorities. */
  readonly analysis: WorkflowAnalysis;
  /** Steps running at once. @default workflow.maxParallel */
  readonly maxParallel?: number;
  /** Steps an earlier run finished, for retry from failure. */
  readonly reuse?: Readonly<Record<StepId, ReusableStep>>;
  /** The run being retried. @default null */
  readonly retryOf?: string | null;
  /** Code fields of each step type, left as written when the config is resolved. @default none */
  readonly stepTypes?: StepTypeLookup;
  /** Hashes a step about to run. @default no hash, so nothing is reused */
  readonly hashStep?: StepHasher;
  /** Caps and grace periods every attempt's job carries. @default DEFAULT_STEP_LIMITS */
  readonly limits?: StepLimits;
}
