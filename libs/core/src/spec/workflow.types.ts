import type { ConditionExpression } from './expression/expression.types';

/** A step's id: `^[A-Za-z_][A-Za-z0-9_-]*$`, unique in its workflow. */
export type StepId = string;

/** A validated, normalized workflow: what the analyzer and the executor work on. */
export interface Workflow {
  /** The workflow's name (`name:`, else the file name without extension). */
  readonly name: string;
  /** Steps running at once in one run, from 1 to `MAX_PARALLEL_LIMIT`. @default 4 */
  readonly maxParallel: number;
  /** Named sub-limits, each 1..maxParallel. */
  readonly pools: Readonly<Record<string, number>>;
  /** Variables passed to every step (plain strings, no references). */
  readonly env: Readonly<Record<string, string>>;
  /** Cancel the rest of the run at the first failure. @default false */
  readonly failFast: boolean;
  /** The steps in declaration order. */
  readonly steps: readonly StepDefinition[];
  /** Absolute folder scripts resolve in and steps run in. */
  readonly rootDir: string;
  /** Absolute path of the file the workflow came from, when it came from one. */
  readonly sourcePath?: string;
}

/** Per-process OS limits of a step, applied with `ulimit` before its program starts. */
export interface ResourceLimits {
  /** Virtual memory (address space) cap in MiB; allocations past it fail. */
  readonly memoryMb?: number;
  /** CPU time cap in seconds; past it the process gets SIGXCPU. */
  readonly cpuSeconds?: number;
}

/** One step after validation: common fields normalized, type-specific fields kept in `config`. */
export interface StepDefinition {
  readonly id: StepId;
  /** Name of a registered step type (`python`, `shell`, `node`, or a plugin's). */
  readonly type: string;
  /** Position in the document's `steps` list (0-based): ties in priority keep this order. */
  readonly index: number;
  /** Explicit dependencies (`needs:`), normalized to a list. */
  readonly needs: readonly StepId[];
  /** Raw inputs; values may hold `${steps.x.outputs…}` references resolved at run time. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Parsed `if:` condition. */
  readonly if?: ConditionExpression;
  /** Raw `foreach:` value: one whole reference, or a literal array. */
  readonly foreach?: unknown;
  /** Attempt time limit in milliseconds. */
  readonly timeoutMs?: number;
  /** Extra attempts after a failure, 0..10. @default 0 */
  readonly retries: number;
  /** First retry delay in milliseconds; doubles each retry. @default 1000 */
  readonly retryDelayMs: number;
  /** A failure of this step does not fail the run nor skip its dependents. @default false */
  readonly continueOnError: boolean;
  /** Name of a pool in `Workflow.pools`. */
  readonly pool?: string;
  /**
   * A worker label: on a queue, the step runs only on workers started with it (`--label`). The
   * local dispatcher (the CLI, a server without a queue) runs it like any other step.
   */
  readonly runsOn?: string;
  /** OS limits on each of the step's processes (`limits:`), where the OS allows. */
  readonly resourceLimits?: ResourceLimits;
  /** Raw step environment; values may hold references. */
  readonly env: Readonly<Record<string, unknown>>;
  /** Type-specific fields (`script`, `run`, `args`…) as validated by the step type's schema. */
  readonly config: Readonly<Record<string, unknown>>;
}
