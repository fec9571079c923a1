import { decodeUtf8, firstInvalidByte } from './utf8';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

describe('decodeUtf8', () => {
  it('decodes UTF-8, a byte order mark and characters of every length included', () => {
    expect(decodeUtf8(bytes('\uFEFFname: café ✓ 𝄞\n'))).toEqual({ text: '\uFEFFname: café ✓ 𝄞\n' });
  });

  it('places the first byte that is not UTF-8 by line and character column', () => {
    expect(decodeUtf8(bytes('steps:\n  - run: "é', [0xff, 0xfe], '"\n'))).toEqual({
      issue: { path: '', line: 2, column: 12, message: 'not UTF-8 text: the byte 0xFF here is not valid UTF-8; save the file as UTF-8' },
    });
  });

  it('leaves text with a NUL to be called binary data', () => {
    expect(decodeUtf8(bytes([0x89], 'PNG', [0, 0xff]))).toHaveProperty('text');
  });
});

describe('firstInvalidByte', () => {
  it.each([
    ['valid', bytes('a é ✓ 𝄞'), -1],
    ['a lone continuation byte', bytes('ab', [0x80]), 2],
    ['an overlong encoding', bytes('a', [0xc0, 0xaf]), 1],
    ['a surrogate', bytes([0xed, 0xa0, 0x80]), 0],
    ['above U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['a sequence cut short at the end', bytes('x', [0xe2, 0x9c]), 1],
  ])('%s', (_name, input, offset) => {
    expect(firstInvalidByte(input)).toBe(offset);
  });
});
