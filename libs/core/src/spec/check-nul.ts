import type { IssueList } from './issue-list';
import type { PathSegment } from './source-map';

const MESSAGE =
  'contains a NUL character (\\u0000), which no command line, environment variable or history database can hold; remove it';

/**
 * Reports every string (and mapping key) of a document that holds U+0000. YAML's `"\0"` and JSON's
 * `"\u0000"` escapes can write one; a process could not be given it and PostgreSQL could not store
 * it, so it is refused up front, the same way whatever the database. `path` is extended and
 * restored in place while walking (documents nest at most 64 deep).
 */
export function checkNulCharacters(value: unknown, issues: IssueList, path: PathSegment[] = []): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) issues.add(path, MESSAGE);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkNulCharacters(value[i], issues, path);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      path.push(key);
      if (key.includes('\u0000')) issues.add(path, MESSAGE, { key: true });
      else checkNulCharacters((value as Record<string, unknown>)[key], issues, path);
      path.pop();
    }
  }
}
