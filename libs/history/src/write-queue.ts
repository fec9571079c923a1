import type { DataSource } from 'typeorm';

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

  /** Runs `work` once the writes queued before it are done (at once when writes need no queue). */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#serial) return work();
    const result = this.#tail.then(work, work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
