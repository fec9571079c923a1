/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up once this many ms have passed since the first try. @default 5000 */
  readonly timeoutMs?: number;
  /** Pause between two tries. @default 10 */
  readonly intervalMs?: number;
  /** Aborting it ends the wait at once (e.g. the process waited on exited): rejects with its reason. */
  readonly signal?: AbortSignal;
}

/**
 * Tries `probe` until it passes, and resolves with what it returned: for tests that wait for
 * something outside their control (a process to exit, a file to go, a server to answer) instead
 * of sleeping a fixed time.
 *
 * 1. Call `probe` (it may be async). It passes when it neither throws nor returns `false`: a
 *    predicate returns `false` for "not yet", an assertion (`() => expect(x).toBe(1)`) throws.
 *    A probe that returns a value (a report) hands it back, so return `false` rather than
 *    `undefined` for "not yet".
 * 2. Otherwise pause `intervalMs` and try again, until `timeoutMs` has passed; a try is always
 *    made after the deadline too, so a busy machine never fails a probe it never re-ran.
 * 3. Then reject with what was awaited (`what`) and the last failure (its error is the `cause`).
 *
 * Its clock is `Date.now()` and its pause `setTimeout`: do not use it under fake timers.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, false>> {
  const { timeoutMs = 5000, intervalMs = 10, signal } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    let failure: { error: unknown } | null;
    try {
      const value = await probe();
      if (value !== false) return value as Exclude<T, false>;
      failure = null;
    } catch (error) {
      failure = { error };
    }
    if (Date.now() >= deadline) {
      const last =
        failure === null ? 'the last try returned false' : `the last try failed: ${messageOf(failure.error)}`;
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; ${last}`,
        failure === null ? undefined : { cause: failure.error },
      );
    }
    if (!signal?.aborted) await pause(intervalMs, signal);
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
