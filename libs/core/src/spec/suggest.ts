/** Levenshtein distance of `a` and `b`, or `limit + 1` as soon as it is known to exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `name` within `maxDistance` edits (first one on ties), if any. By default
 * 2 edits, fewer for short names so `zz` does not suggest `a`.
 */
export function closestMatch(
  name: string,
  candidates: Iterable<string>,
  maxDistance = Math.min(2, Math.floor(name.length / 2)),
): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean 'x'?` when a close candidate exists, else `''`. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closestMatch(name, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}

/**
 * {@link didYouMean} under a budget of candidates compared, shared by one validation: a document
 * with thousands of unknown names among thousands of known ones would otherwise cost their product.
 * Once the budget is spent, messages just leave the suggestion out.
 */
export class SuggestionBudget {
  #left: number;

  /** @param candidates Most candidates compared in all. @default 200000 */
  constructor(candidates = 200_000) {
    this.#left = candidates;
  }

  didYouMean(name: string, candidates: ReadonlySet<string> | ReadonlyMap<string, unknown> | readonly string[]): string {
    const size = Array.isArray(candidates) ? candidates.length : (candidates as ReadonlySet<string>).size;
    if (size > this.#left) return '';
    this.#left -= size;
    return didYouMean(name, Array.isArray(candidates) ? candidates : (candidates as ReadonlySet<string>).keys());
  }
}

/** Lists names for a message, at most `max` of them: `a, b, c … and 12 more`. */
export function listNames(names: Iterable<string>, max = 20, total?: number): string {
  const shown: string[] = [];
  let count = 0;
  for (const name of names) {
    if (shown.length < max) shown.push(name);
    count++;
    if (total !== undefined && shown.length === max) break;
  }
  const all = total ?? count;
  if (all === 0) return '(none)';
  if (all <= max) return shown.join(', ');
  return `${shown.join(', ')} … and ${all - max} more`;
}
