/**
 * Describes a document value for an error message: strings and numbers as JSON (`"soon"`, `12`),
 * containers by kind (`a list`, `a mapping`), so messages stay one line.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // YAML tags can make other things than JSON values: `!!binary`, `!!set`, `!!timestamp`.
  if (ArrayBuffer.isView(value)) return 'binary data (!!binary)';
  if (value instanceof Set) return 'a set (!!set)';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** True for a plain JSON-like object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
