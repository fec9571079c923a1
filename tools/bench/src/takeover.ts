import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { killOrphanedStepProcesses } from '@weft/core';
import { ServerEntity, type HistoryStore } from '@weft/history';
import { waitFor } from '../../../libs/core/src/testing/wait-for';
import { api, startServer, type ServerProcess } from './server-process';
import { attemptsStarted, type OwnerPlace } from './takeover-window';

/**
 * One step that records `<run id> <pid>` in markers.log when an attempt starts, then waits for the
 * file `release-<run id>`: the bench decides when it ends, and sees each attempt start.
 */
const WORKFLOW = `name: bench-takeover
steps:
  - id: hold
    type: shell
    run: |
      echo "$WEFT_RUN_ID $$" >> markers.log
      while [ ! -f "release-$WEFT_RUN_ID" ]; do sleep 0.05; done
`;

/** One owner killed and its run taken over. */
export interface TakeoverSample {
  readonly place: OwnerPlace;
  /** SIGKILL → the survivor logged "run taken over" (it owns the run); null when it did not log it. */
  readonly ownerMs: number | null;
  /** SIGKILL → the step's next attempt is running (its process started); null when it did not start in time. */
  readonly attemptMs: number | null;
  /** The run's status once released (`succeeded` expected); null when it was not taken over. */
  readonly status: string | null;
  /** `attempt.started` events of the step in the run's event log. */
  readonly loggedAttempts: number;
}

/** Options of {@link measureTakeovers}. */
export interface TakeoverOptions {
  readonly root: string;
  /** Parent of the servers' temporary workspace. */
  readonly scratch: string;
  /** The PostgreSQL database both servers share: `url`, and a `schema` that exists. */
  readonly database: { readonly url: string; readonly schema: string };
  /** A history store open on that schema (it migrated it), to read the log and edit `weft_servers`. */
  readonly store: HistoryStore;
  readonly leaseMs: number;
  /** One kill per entry, in this order. */
  readonly cases: readonly OwnerPlace[];
  log(line: string): void;
}

/**
 * Kills the owner of a running run and times its takeover by another server, once per case.
 *
 * 1. Two servers share the database: the victim starts a run; once the step's process runs, the
 *    bench SIGKILLs the victim. For "another machine", the victim's row in `weft_servers` is
 *    deleted just before, so the survivor cannot tell that its process is gone and must wait for
 *    the lease.
 * 2. The survivor's "run taken over" log line, and the step's next attempt starting, are timed
 *    from the kill (the marker file is read every 50 ms).
 * 3. The step is released; the run must end `succeeded`. A new victim starts meanwhile.
 *
 * Every server and step process is killed and the workspace removed, whatever happens.
 */
export async function measureTakeovers(options: TakeoverOptions): Promise<TakeoverSample[]> {
  const workspace = mkdtempSync(join(options.scratch, 'takeover-'));
  const markers = join(workspace, 'markers.log');
  const attempts = (runId: string) =>
    existsSync(markers) ? attemptsStarted(readFileSync(markers, 'utf8'), runId) : 0;
  const servers: ServerProcess[] = [];
  /** Every start, so that none still starting is left behind. */
  const starting: Promise<unknown>[] = [];
  const runIds: string[] = [];
  const start = (): Promise<ServerProcess> => {
    const started = startServer({
      root: options.root,
      env: {
        DATABASE_URL: options.database.url,
        DATABASE_SCHEMA: options.database.schema,
        WEFT_WORKSPACE: workspace,
        WEFT_EXAMPLES_DIR: '',
        WEFT_LEASE_MS: String(options.leaseMs),
      },
    }).then((server) => {
      servers.push(server);
      return server;
    });
    starting.push(started.catch(() => undefined));
    return started;
  };
  const samples: TakeoverSample[] = [];
  try {
    const [survivor, first] = await Promise.all([start(), start()]);
    let victim = first;
    const { id: workflowId } = await api(survivor.port, 'POST', '/api/workflows', 201, { yaml: WORKFLOW });
    for (const [index, place] of options.cases.entries()) {
      const { runId } = await api(victim.port, 'POST', `/api/workflows/${workflowId}/runs`, 202, {});
      runIds.push(runId);
      await waitFor(`the step of run ${runId} to start`, () => attempts(runId) >= 1, {
        timeoutMs: 30_000,
        intervalMs: 20,
      });
      if (place === 'another machine') {
        const deleted = await options.store.dataSource
          .getRepository(ServerEntity)
          .delete({ pid: victim.pid });
        if (deleted.affected !== 1)
          throw new Error(`expected one weft_servers row of pid ${victim.pid}, deleted ${deleted.affected}`);
      }
      const killedAt = performance.now();
      await victim.kill();
      let attemptAt: number | null = null;
      try {
        await waitFor('the next attempt to start', () => attempts(runId) >= 2, {
          timeoutMs: options.leaseMs + 20_000,
          intervalMs: 50,
        });
        attemptAt = performance.now();
      } catch {
        // Not taken over in time: reported as such; nothing would finish this run.
      }
      const taken = survivor.lines.find(
        (line) => line.text.includes('run taken over') && line.text.includes(runId),
      );
      const ownerMs = taken ? taken.at - killedAt : null;
      const attemptMs = attemptAt === null ? null : attemptAt - killedAt;
      if (attemptAt === null) {
        options.log(
          `  takeover, owner on ${place}: owner changed after ${fmt(ownerMs)}; no next attempt within ${options.leaseMs + 20_000} ms`,
        );
        samples.push({
          place,
          ownerMs,
          attemptMs,
          status: null,
          loggedAttempts: await loggedAttempts(options.store, runId),
        });
        break;
      }
      writeFileSync(join(workspace, `release-${runId}`), '');
      const next = index + 1 < options.cases.length ? start() : null;
      next?.catch(() => undefined); // awaited below; a failure is thrown there
      const done = await waitFor(
        `run ${runId} to end`,
        async () => {
          const report = await api(survivor.port, 'GET', `/api/runs/${runId}`, 200);
          return report.status !== 'running' && report;
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      const sample = {
        place,
        ownerMs,
        attemptMs,
        status: String(done.status),
        loggedAttempts: await loggedAttempts(options.store, runId),
      };
      samples.push(sample);
      options.log(
        `  takeover, owner on ${place}: owner changed after ${fmt(ownerMs)}, next attempt running after ${fmt(attemptMs)}, run ${sample.status}`,
      );
      if (next) victim = await next;
    }
  } finally {
    await Promise.all(starting);
    await Promise.all(servers.map((server) => server.kill()));
    killOrphanedStepProcesses(runIds);
    rmSync(workspace, { recursive: true, force: true });
  }
  return samples;
}

/** `attempt.started` events of the step `hold` in the run's log. */
async function loggedAttempts(store: HistoryStore, runId: string): Promise<number> {
  const records = await store.runEvents(runId);
  return records.filter(({ event }) => event.type === 'attempt.started' && event.stepId === 'hold').length;
}

const fmt = (ms: number | null): string => (ms === null ? 'never' : `${Math.round(ms)} ms`);
