import type { IssueList } from './issue-list';
import type { PathSegment } from './source-map';

const NUL_MESSAGE =
  'contains a NUL character (\\u0000), which no command line, environment variable or history database can hold; remove it';
const SURROGATE_MESSAGE =
  'contains a lone surrogate (an escape such as \\ud800 without its pair), which is not a character and cannot be stored as UTF-8; remove it or give the whole pair';

/** Why `text` cannot be kept as it is, or null: a NUL, or a UTF-16 surrogate without its pair. */
function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return null;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Reports every string (and mapping key) of a document that holds U+0000 or a lone surrogate.
 * YAML's `"\0"` and JSON's `"\u0000"` escapes can write a NUL; a process could not be given it and
 * PostgreSQL could not store it, so it is refused up front, the same way whatever the database.
 * Escapes can also write half a surrogate pair (`"\ud800"`), which no UTF-8 text can hold: a
 * database would store U+FFFD in its place. `path` is extended and restored in place while
 * walking (documents nest at most 64 deep).
 */
export function checkNulCharacters(value: unknown, issues: IssueList, path: PathSegment[] = []): void {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    if (problem) issues.add(path, problem);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkNulCharacters(value[i], issues, path);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      path.push(key);
      const problem = problemOf(key);
      if (problem) issues.add(path, problem, { key: true });
      else checkNulCharacters((value as Record<string, unknown>)[key], issues, path);
      path.pop();
    }
  }
}
