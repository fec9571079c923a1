import type { ValidationIssue } from '../errors/workflow-validation.error';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of `bytes` when they are valid UTF-8, else the issue that places the first byte that is
 * not (line and column counted in characters): a workflow is UTF-8 text, and decoding it loosely
 * would change what a step runs (each bad byte becoming U+FFFD) without a word. Bytes holding a NUL
 * are decoded loosely: reading the text then says it is binary data.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { issue: ValidationIssue } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    // A NUL says binary data better than the first stray byte does (see read-document.ts).
    if (bytes.includes(0)) return { text: new TextDecoder().decode(bytes) };
    const offset = firstInvalidByte(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    const line = countNewlines(bytes, lineStart) + 1;
    const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
    const byte = `0x${bytes[offset].toString(16).toUpperCase().padStart(2, '0')}`;
    return { issue: { path: '', line, column, message: `not UTF-8 text: the byte ${byte} here is not valid UTF-8; save the file as UTF-8` } };
  }
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) count++;
  return count;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // The length of the sequence and the range of its second byte (no overlongs, no surrogates, ≤ U+10FFFF).
    const [length, low, high] =
      b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
      : b === 0xe0 ? [3, 0xa0, 0xbf]
      : b === 0xed ? [3, 0x80, 0x9f]
      : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
      : b === 0xf0 ? [4, 0x90, 0xbf]
      : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf]
      : b === 0xf4 ? [4, 0x80, 0x8f]
      : [0, 0, 0];
    if (length === 0) return i;
    if (i + 1 >= bytes.length || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let k = 2; k < length; k++) {
      if (i + k >= bytes.length || bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}
