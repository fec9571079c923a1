import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { WorkflowError, type ExecutionLifeCycle, type ReusableStep, type Workflow } from '@weft/core';

/** The history database behind `weft run --db PATH [--retry RUN_ID]`. */
export interface CliHistory {
  /** What a retry of `runId` may reuse; a clear error when the run is not in the database. */
  reusableSteps(runId: string): Promise<Record<string, ReusableStep>>;
  /** Median past durations of the workflow's steps: the scheduler's critical-path estimates. */
  estimates(workflow: Workflow): Promise<Record<string, number>>;
  /** An observer that writes the run as it goes (each step when it ends). */
  recorder(workflow: Workflow, retryOf?: string): Promise<ExecutionLifeCycle>;
  /** Resolves once everything recorded is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating if needed) the SQLite history at `path`. `@weft/history` and its
 * TypeORM are loaded here only, so plain `weft run` starts without them.
 */
export async function openCliHistory(path: string): Promise<CliHistory> {
  const file = resolve(path);
  let store: import('@weft/history').HistoryStore;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const { HistoryStore } = await import('@weft/history');
    store = await HistoryStore.open({ url: `sqlite:${file}` });
  } catch (error) {
    throw new WorkflowError(`cannot open the history database ${path}: ${(error as Error).message}`);
  }
  let writer: import('@weft/history').HistoryLifeCycle | undefined;
  return {
    async reusableSteps(runId) {
      const reuse = await store.reusableSteps(runId);
      if (reuse === null) {
        const recent = await store.listRuns({ limit: 5 });
        const hint = recent.length
          ? `; recent runs: ${recent.map((run) => `${run.runId} (${run.workflow}, ${run.status})`).join(', ')}`
          : '; it holds no runs yet';
        throw new WorkflowError(`run ${runId} is not in ${path}${hint}`);
      }
      return reuse;
    },
    estimates: (workflow) => store.stepEstimates(workflow.name),
    async recorder(workflow, retryOf) {
      const definition = workflow.sourcePath ? readFileSync(workflow.sourcePath, 'utf8') : JSON.stringify(workflow);
      const stored = await store.saveWorkflow({
        name: workflow.name,
        definition,
        format: workflow.sourcePath && extname(workflow.sourcePath) === '.json' ? 'json' : 'yaml',
        rootDir: workflow.rootDir,
        sourcePath: workflow.sourcePath ?? null,
      });
      writer = store.lifeCycle({ workflowId: stored.id, retryOf: retryOf ?? null });
      return writer;
    },
    flush: async () => writer?.flush(),
    close: () => store.close(),
  };
}
