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

/** Human words for a skip or failure reason. */
export function reasonText(reason: string | null | undefined): string {
  switch (reason) {
    case 'condition_false':
      return 'skipped: its condition was false';
    case 'upstream_failed':
      return 'skipped: a step it needs failed';
    case 'upstream_skipped':
      return 'skipped: a step it needs was skipped';
    case 'exit_code':
      return 'failed: exited non-zero';
    case 'signal':
      return 'failed: killed by a signal';
    case 'timeout':
      return 'failed: timed out';
    case 'cancelled':
      return 'cancelled';
    case 'invalid_outputs':
      return 'failed: invalid outputs';
    case 'outputs_too_large':
      return 'failed: outputs too large';
    case 'spawn_error':
      return 'failed: could not start';
    case 'invalid_foreach':
      return 'failed: foreach is not an array';
    case 'condition_error':
      return 'failed: condition could not be evaluated';
    case 'error':
      return 'failed: step type error';
    default:
      return reason ?? '';
  }
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
