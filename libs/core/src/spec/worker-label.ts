/**
 * A worker label (`runsOn:` in a step, `weft worker --label`): letters, digits, `.`, `_` and `-`,
 * starting with a letter or digit, at most 64 characters. It names a queue, so it never holds `:`.
 * No imports, so that browser code can use it.
 */
export const WORKER_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Why `label` is not a worker label, or null when it is one. */
export function workerLabelProblem(label: string): string | null {
  if (WORKER_LABEL_PATTERN.test(label)) return null;
  return `'${label}' is not a worker label: use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters (like gpu or linux-arm64)`;
}
