import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HistoryStore, RunWriter } from '@weft/history';
import { attemptEvent } from './attempt-events';
import { rotate } from './measure';

/** The server id the bench's runs are owned by (a fenced write checks it). */
export const BENCH_OWNER = 'bench:0:00000000';

/** How the events are written: the server's writer checks at each event that it still owns the run. */
export type Fence = 'owner fence' | 'no fence';

export const FENCES: readonly Fence[] = ['owner fence', 'no fence'];

/** Events per second of each repetition, per writer. */
export interface WriteRates {
  /** One run writing its events one after another. */
  readonly oneRun: Record<Fence, number[]>;
  /** Several runs doing so at the same time: all their events per second. */
  readonly concurrent: Record<Fence, number[]>;
}

/** Options of {@link measureWriteRates}. */
export interface WriteRateOptions {
  /** How long each measurement writes, in ms: a fast database writes more events, a slow one fewer. */
  readonly budgetMs: number;
  /** Runs writing at once. */
  readonly concurrentRuns: number;
  readonly repetitions: number;
}

/** Records runs (not timed) owned by {@link BENCH_OWNER}, with a lease that outlasts the bench. */
async function startRuns(store: HistoryStore, count: number): Promise<string[]> {
  const runIds = Array.from({ length: count }, () => randomUUID());
  for (const runId of runIds) {
    await store.startRun({
      runId,
      workflow: 'bench',
      maxParallel: 1,
      steps: [],
      owner: BENCH_OWNER,
      leaseUntil: Date.now() + 3_600_000,
    });
  }
  return runIds;
}

/** Logs events of a run one after another, each once the previous is durable (as `HistoryLifeCycle` does), until `deadline`; returns how many. */
async function writeUntil(writer: RunWriter, runId: string, deadline: number): Promise<number> {
  let count = 0;
  while (performance.now() < deadline) await writer.recordAttempt(attemptEvent(runId, count++));
  return count;
}

/** Events per second of `runs` new runs writing at the same time for `budgetMs`. */
async function rate(store: HistoryStore, writer: RunWriter, runs: number, budgetMs: number): Promise<number> {
  const runIds = await startRuns(store, runs);
  const start = performance.now();
  const counts = await Promise.all(runIds.map((runId) => writeUntil(writer, runId, start + budgetMs)));
  return (counts.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - start);
}

/**
 * Event-log writes per second on `store`'s database, with and without the owner fence, alternating
 * which goes first from one repetition to the next, after a short warm-up of each (pool
 * connections, prepared statements, the JIT).
 */
export async function measureWriteRates(store: HistoryStore, options: WriteRateOptions): Promise<WriteRates> {
  const writers: Record<Fence, RunWriter> = {
    'owner fence': store.writer.forOwner(BENCH_OWNER),
    'no fence': store.writer,
  };
  const oneRun: Record<Fence, number[]> = { 'owner fence': [], 'no fence': [] };
  const concurrent: Record<Fence, number[]> = { 'owner fence': [], 'no fence': [] };
  for (const fence of FENCES)
    await rate(store, writers[fence], options.concurrentRuns, Math.min(200, options.budgetMs));
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (const fence of rotate(FENCES, repetition)) {
      oneRun[fence].push(await rate(store, writers[fence], 1, options.budgetMs));
      concurrent[fence].push(await rate(store, writers[fence], options.concurrentRuns, options.budgetMs));
    }
  }
  return { oneRun, concurrent };
}
