/** `text` without NUL characters: PostgreSQL text cannot hold them, and a step's log or a failure message quoting its output may. */
export function stripNul(text: string): string {
  return text.replaceAll('\u0000', '');
}

/** `text` without NUL characters, cut to its last `maxBytes` bytes of UTF-8 (a log keeps its tail). */
export function tailOf(text: string, maxBytes: number): string {
  const clean = stripNul(text);
  const bytes = Buffer.from(clean, 'utf8');
  if (bytes.length <= maxBytes) return clean;
  return bytes.subarray(bytes.length - maxBytes).toString('utf8');
}
