/** True when `text` holds a C0 or C1 control character or DEL (NUL, tab, line breaks, escape…). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * `text` with each C0 or C1 control character and DEL written as `\xHH`: a parser's message that
 * quotes the document can then be printed on a terminal without the document's escape sequences.
 */
export function escapeControlCharacters(text: string): string {
  if (!hasControlCharacter(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return out;
}
