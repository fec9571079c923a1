/** A step as search sees it. */
export interface SearchCandidate {
  readonly id: string;
  /** A second name to match (the step type, a display name). */
  readonly name?: string | null;
}

export interface SearchMatch {
  readonly id: string;
  /** Lower is better: 0 exact, 1 prefix, 2 at a word start, 3 anywhere, 4 letters in order. */
  readonly rank: number;
}

const WORD_START = /[\s_\-./:#]/;

function rankOne(text: string, token: string): number | null {
  if (text === token) return 0;
  if (text.startsWith(token)) return 1;
  let at = text.indexOf(token);
  let best: number | null = null;
  while (at >= 0) {
    if (at > 0 && WORD_START.test(text[at - 1]!)) return 2;
    best = 3;
    at = text.indexOf(token, at + 1);
  }
  if (best !== null) return best;
  // Letters in order ("s12al" finds "s012_align"), only for tokens of 3+ characters.
  if (token.length < 3) return null;
  let i = 0;
  for (const c of text) if (c === token[i] && ++i === token.length) return 4;
  return null;
}

/**
 * Steps whose id (or name) matches `query`, best first. Case-insensitive; every whitespace-separated
 * word of the query must match; a step ranks by its worst word (exact, prefix, word start, anywhere,
 * letters in order), then by shorter id, then declaration order. Pure.
 */
export function searchSteps(query: string, candidates: readonly SearchCandidate[], limit = 12): SearchMatch[] {
  const tokens = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return [];
  const found: { id: string; rank: number; index: number }[] = [];
  candidates.forEach((c, index) => {
    const texts = [c.id.toLowerCase(), ...(c.name ? [c.name.toLowerCase()] : [])];
    let worst = 0;
    for (const t of tokens) {
      let best: number | null = null;
      for (const text of texts) {
        const r = rankOne(text, t);
        if (r !== null && (best === null || r < best)) best = r;
      }
      if (best === null) return;
      worst = Math.max(worst, best);
    }
    found.push({ id: c.id, rank: worst, index });
  });
  found.sort((a, b) => a.rank - b.rank || a.id.length - b.id.length || a.index - b.index);
  return found.slice(0, limit).map(({ id, rank }) => ({ id, rank }));
}
