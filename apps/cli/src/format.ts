/** Formats milliseconds for people: `850 ms`, `4.02 s`, `2 m 05 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** `2.0x` with one decimal (two below 1.1 so small gains still show). */
export function formatSpeedup(speedup: number): string {
  return `${speedup < 1.1 && speedup !== 1 ? speedup.toFixed(2) : speedup.toFixed(1)}x`;
}

/** "1 step" / "3 steps". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export interface Palette {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly blue: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

/** ANSI colours, or plain text when `enabled` is false (not a TTY, or NO_COLOR set). */
export function palette(enabled: boolean): Palette {
  if (!enabled) {
    const plain = (text: string) => text;
    return { green: plain, red: plain, blue: plain, yellow: plain, dim: plain, bold: plain };
  }
  return { green: wrap(32, 39), red: wrap(31, 39), blue: wrap(34, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Status marks used in every view. */
export const STATUS_MARK: Record<string, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✔',
  failed: '✖',
  skipped: '↷',
  cancelled: '■',
};
