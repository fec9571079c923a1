import type { DataSource } from 'typeorm';
import { isSqliteBusy } from './unique-violation';

/**
 * The history's writes on one data source. SQLite has a single connection: two transactions at once
 * would nest ("cannot start a transaction within a transaction") and a plain write would land inside
 * another run's transaction, so there writes queue up, one after another. PostgreSQL's pool runs
 * them at once. Every writer of a data source must share its one queue.
 */
export class WriteQueue {
  readonly #serial: boolean;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(dataSource: DataSource) {
    this.#serial = dataSource.options.type === 'better-sqlite3';
  }

  /**
   * Runs `work` once the writes queued before it are done (at once when writes need no queue). On
   * SQLite, `work` (one transaction, or one statement) runs again while another process refuses it
   * (see {@link isSqliteBusy}), within {@link BUSY_RETRY_MS} of its first try.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#serial) return work();
    const attempt = () => retryWhileBusy(work);
    const result = this.#tail.then(attempt, attempt);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * How long a write goes on trying while other processes on the same SQLite file refuse it at once
 * (a transaction that read first cannot write after another one wrote: SQLite does not wait then).
 * A write that already waited out the busy timeout (5 s) for a lock someone holds is not tried
 * again: a server whose beats fail that long must let go of its runs (see RunOwnership).
 */
export const BUSY_RETRY_MS = 2_000;

/** Runs `work`, again after a short, growing pause while SQLite says another process holds the file. */
export async function retryWhileBusy<T>(work: () => Promise<T>, budgetMs = BUSY_RETRY_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      return await work();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() + pause > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random())));
    }
  }
}
