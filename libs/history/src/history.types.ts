import type { RunStatus, StepId, WorkflowPlan } from '@weft/core';

export type WorkflowFormat = 'yaml' | 'json';

/** A workflow document as stored. */
export interface StoredWorkflow {
  readonly id: string;
  readonly name: string;
  /** SHA-256 (hex) of `definition`. */
  readonly hash: string;
  readonly format: WorkflowFormat;
  /** The document text as submitted. */
  readonly definition: string;
  /** Absolute folder its scripts resolve in. */
  readonly rootDir: string;
  /** The file it came from, if any. */
  readonly sourcePath: string | null;
  readonly createdAt: string;
}

/** A stored workflow as lists show it: without its definition. */
export type WorkflowSummary = Omit<StoredWorkflow, 'definition'>;

export interface ListWorkflowsQuery {
  /** @default 100 */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface SaveWorkflowInput {
  readonly name: string;
  readonly definition: string;
  readonly format: WorkflowFormat;
  readonly rootDir: string;
  readonly sourcePath?: string | null;
}

/** One line of the execution history (`GET /api/runs`). */
export interface RunSummary {
  readonly runId: string;
  readonly workflowId: string | null;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly maxParallel: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly makespanMs: number | null;
  readonly sequentialMs: number | null;
  readonly speedup: number | null;
  readonly idealSpeedup: number | null;
  readonly peakParallelism: number | null;
  readonly retryOf: string | null;
}

/** What is known about a run before its executor reports `run.started`. */
export interface StartRunInput {
  readonly runId: string;
  readonly workflow: string;
  readonly workflowId?: string | null;
  readonly maxParallel: number;
  /** @default now */
  readonly startedAt?: string;
  readonly retryOf?: string | null;
  /** The steps in declaration order; each gets a `pending` row. */
  readonly steps: readonly { readonly id: StepId; readonly type: string }[];
  readonly plan?: WorkflowPlan | null;
  /** The server that runs it (`weft_servers.id`), and until when it holds it (epoch ms, database clock). */
  readonly owner?: string | null;
  readonly leaseUntil?: number | null;
}

export interface ListRunsQuery {
  readonly workflowId?: string;
  /** Workflow name. */
  readonly workflow?: string;
  /** @default 50 */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** A step's captured log. */
export interface StepLog {
  readonly status: string;
  /** Null when the step has not finished yet. */
  readonly log: string | null;
}
