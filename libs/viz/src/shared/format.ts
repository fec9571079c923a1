/** `850 ms`, `4.0 s`, `2m 05s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  const m = Math.floor(totalS / 60);
  const s = totalS % 60;
  if (m < 60) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `2.0x`: one decimal, as the headline shows it. */
export function formatSpeedup(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${x.toFixed(1)}x`;
}

/** `62%`. */
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${Math.round(x * 100)}%`;
}

/** Axis ticks: `0s`, `1.5s`, `2m`. */
export function formatTick(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.abs(ms) < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${+(ms / 60_000).toFixed(1)}m`;
}

/** `3 steps running in parallel`, `1 step running`, `No steps running`. */
export function runningText(n: number): string {
  if (n <= 0) return 'No steps running';
  if (n === 1) return '1 step running';
  return `${n} steps running in parallel`;
}

/** Human words for each skip or failure reason (`StepReason`, plus `signal`/`error` as the engine sends them). */
export const REASON_TEXT: Readonly<Record<string, string>> = {
  exit_code: 'exited with a non-zero code',
  upstream_failed: 'skipped: a step it needs failed',
  upstream_skipped: 'skipped: a step it needs was skipped',
  condition_false: 'skipped: its condition was false',
  timeout: 'ran past its timeout and was stopped',
  cancelled: 'cancelled: the run was cancelled or stopped early',
  worker_lost: 'the worker running it stopped answering; it ran again elsewhere',
  server_lost: 'the server running it was lost; it ran again',
  spawn_error: 'could not be started (program not found or not executable)',
  invalid_outputs: 'wrote outputs that are not one JSON object',
  outputs_too_large: 'wrote outputs larger than the server allows',
  condition_error: 'its condition could not be evaluated',
  invalid_foreach: 'its foreach did not give a list',
  signal: 'was killed by a signal',
  error: 'failed inside its step type',
};

/**
 * Human words for a skip or failure reason: `exit_code` → "exited with a non-zero code",
 * `upstream_failed` → "skipped: a step it needs failed". An unknown reason (a newer server) is
 * returned as it is, underscores turned to spaces; none gives ''.
 */
export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  return REASON_TEXT[reason] ?? reason.replace(/_/g, ' ');
}

/** How long ago, for a heartbeat: `just now`, `4 s ago`, `2 min ago`, `3 h ago`, `2 d ago`. A future time (clock skew) is `just now`. */
export function formatAgo(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return 'just now';
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
  return `${Math.floor(ms / 86_400_000)} d ago`;
}
