/**
 * Sends `signal` (0 only checks) to a process, or to a process group when `pid` is negative, and
 * returns the error code (`ESRCH`: no such process; `EPERM`: another user's), or null when it was
 * sent. Never throws. The error is made without a stack trace: a step's group is usually gone by
 * the time it is killed, and the trace of that expected ESRCH would cost more than the kill.
 */
export function sendSignal(pid: number, signal: NodeJS.Signals | 0): string | null {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(pid, signal);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EINVAL';
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
