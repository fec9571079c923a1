/** True when a database error is a unique or primary-key violation (PostgreSQL 23505, SQLite's UNIQUE and PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  const driver = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (driver as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * SQLite refused because another connection (another process on the same file) held the database:
 * SQLITE_BUSY after the busy timeout, or at once when a transaction that read first must write after
 * another one wrote (SQLITE_BUSY_SNAPSHOT, which waiting cannot cure). The transaction was rolled
 * back: running it again is safe.
 */
export function isSqliteBusy(error: unknown): boolean {
  const driver = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (driver as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** A retry of a run that already has one in flight: the database allows one at a time. */
export class RetryInFlightError extends Error {
  override readonly name = 'RetryInFlightError';
  constructor(
    readonly runId: string,
    /** The retry already running (null when it ended just now). */
    readonly inFlight: string | null,
  ) {
    super(
      inFlight
        ? `Run '${runId}' is already being retried by run '${inFlight}': follow that run, or cancel it and retry again`
        : `Run '${runId}' was being retried at the same moment: look at its latest retry before trying again`,
    );
  }
}
