import { describeValue } from './describe-value';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Longest delay `setTimeout` honours; longer ones fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Parses a duration: `"500ms"`, `"30s"`, `"1.5s"`, `"2m"`, `"1h"`, or a non-negative integer of
 * milliseconds (a number, or a string of digits).
 *
 * @returns the duration in whole milliseconds, or — when `value` is not a duration — a message
 *   saying what was expected and what was found.
 */
export function parseDuration(value: unknown): number | string {
  let ms: number | undefined;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) ms = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+$/.test(text)) ms = Number(text);
    else {
      const match = DURATION.exec(text);
      if (match) ms = Math.round(Number(match[1]) * UNIT_MS[match[2]]);
    }
  }
  if (ms === undefined) {
    return `expected a duration like "30s", "2m" or milliseconds, got ${describeValue(value)}`;
  }
  if (ms > MAX_DURATION_MS) {
    return `duration ${describeValue(value)} is too long: at most ${MAX_DURATION_MS} ms (about 24 days)`;
  }
  return ms;
}
