import { findJsonSyntaxError } from './scan-json';

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1, "b": [true, false, null, -1.5e3, "x\\n\\u00e9"], "c": {}, "d": []}'],
    [' [ ] '],
    ['"text"'],
  ])('accepts valid JSON %s', (text) => {
    expect(findJsonSyntaxError(text)).toBeUndefined();
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each([
    ['{"a": }', 6, "expected a value, got '}'"],
    ['[1,]', 3, "expected a value, got ']'"],
    ['{"a": 1,}', 8, "expected a double-quoted property name, got '}'"],
    ['{"a" 1}', 5, "expected ':' after the property name, got '1'"],
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}', got '\"'"],
    ['[1 2]', 3, "expected ',' or ']', got '2'"],
    ['{"a": 1}x', 8, "expected the end of the text, got 'x'"],
    ['"abc', 4, 'expected a closing ", got the end of the text'],
    ['"a\\x"', 3, "expected an escape such as \\n, \\\" or \\u00e9, got 'x'"],
    ['"a\nb"', 2, "expected no control characters inside a string (use \\n), got '\n'"],
    ['{"steps": [', 11, 'expected a value, got the end of the text'],
    ['', 0, 'expected a value, got the end of the text'],
  ])('finds the error in %j at offset %d', (text, offset, message) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxError(text)).toEqual({ offset, message });
  });

  it('handles deep nesting without recursion', () => {
    expect(findJsonSyntaxError('['.repeat(200_000))).toEqual({
      offset: 200_000,
      message: 'expected a value, got the end of the text',
    });
  });
});
