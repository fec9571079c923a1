/** True when a database error is a unique or primary-key violation (PostgreSQL 23505, SQLite's UNIQUE and PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  const driver = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (driver as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
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
