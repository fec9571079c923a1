import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, extname, resolve } from 'node:path';
import { WorkflowError, type ExecutionLifeCycle, type ReusableStep, type Workflow } from '@weft/core';

/** The history database behind `weft run --db PATH [--retry RUN_ID]`. */
export interface CliHistory {
  /** What a retry of `runId` may reuse; a clear error when the run is not in the database. */
  reusableSteps(runId: string): Promise<Record<string, ReusableStep>>;
  /** Median past durations of the workflow's steps: the scheduler's critical-path estimates. */
  estimates(workflow: Workflow): Promise<Record<string, number>>;
  /**
   * Records the run as starting, owned by this process with a lease it renews while it runs (a
   * server sharing the database leaves it alone, and closes it `interrupted` if this process dies),
   * and returns an observer that writes the run as it goes (each step when it ends).
   */
  recorder(workflow: Workflow, run: { runId: string; maxParallel: number; retryOf?: string }): Promise<ExecutionLifeCycle>;
  /** Resolves once everything recorded is on disk. */
  flush(): Promise<void>;
  /** Stops renewing the lease and closes the database. */
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
  let beat: NodeJS.Timeout | undefined;
  const { CLI_OWNER_PREFIX, DEFAULT_LEASE_MS, RetryInFlightError } = await import('@weft/history');
  const host = hostname();
  const owner = { id: `${CLI_OWNER_PREFIX}${host}:${process.pid}:${randomBytes(4).toString('hex')}`, host, pid: process.pid };
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
    async recorder(workflow, { runId, maxParallel, retryOf }) {
      const definition = workflow.sourcePath ? readFileSync(workflow.sourcePath, 'utf8') : JSON.stringify(workflow);
      const stored = await store.saveWorkflow({
        name: workflow.name,
        definition,
        format: workflow.sourcePath && extname(workflow.sourcePath) === '.json' ? 'json' : 'yaml',
        rootDir: workflow.rootDir,
        sourcePath: workflow.sourcePath ?? null,
      });
      await store.ownership.register(owner);
      beat = setInterval(() => void store.ownership.heartbeat(owner.id, DEFAULT_LEASE_MS).catch(() => undefined), DEFAULT_LEASE_MS / 3);
      beat.unref();
      try {
        await store.startRun({
          runId,
          workflow: workflow.name,
          workflowId: stored.id,
          maxParallel,
          retryOf: retryOf ?? null,
          steps: workflow.steps.map((step) => ({ id: step.id, type: step.type })),
          owner: owner.id,
          leaseUntil: (await store.ownership.now()) + DEFAULT_LEASE_MS,
        });
      } catch (error) {
        if (error instanceof RetryInFlightError) throw new WorkflowError(error.message);
        throw error;
      }
      writer = store.lifeCycle({ workflowId: stored.id, retryOf: retryOf ?? null, owner: owner.id });
      return writer;
    },
    flush: async () => writer?.flush(),
    async close() {
      clearInterval(beat);
      if (beat) await store.ownership.unregister(owner.id).catch(() => undefined);
      await store.close();
    },
  };
}
