import type { IssueList } from './issue-list';
import type { PathSegment } from './source-map';

const MESSAGE =
  'contains a NUL character (\\u0000), which no command line, environment variable or history database can hold; remove it';

/**
 * Reports every string (and mapping key) of a document that holds U+0000. YAML's `"\0"` and JSON's
 * `"\u0000"` escapes can write one; a process could not be given it and PostgreSQL could not store
 * it, so it is refused up front, the same way whatever the database. Walks with an explicit stack.
 */
export function checkNulCharacters(value: unknown, issues: IssueList): void {
  const stack: [unknown, PathSegment[]][] = [[value, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) issues.add(path, MESSAGE);
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], [...path, i]]);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, entry] of Object.entries(node).reverse()) {
        if (key.includes('\u0000')) issues.add([...path, key], MESSAGE, { key: true });
        else stack.push([entry, [...path, key]]);
      }
    }
  }
}
