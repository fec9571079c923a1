/** Where a JSON text stops being valid JSON, and what was expected there. */
export interface JsonSyntaxError {
  /** 0-based offset of the offending character (the text length for a premature end). */
  readonly offset: number;
  /** One line: what was expected and what was found. */
  readonly message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPABLE = '"\\/bfnrt';
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** A key written twice in one JSON object. */
export interface JsonDuplicateKey {
  /** 0-based offset of the second occurrence. */
  readonly offset: number;
  readonly key: string;
}

/**
 * Finds the first syntax error of a JSON text, or undefined when it is valid. Used to position
 * `JSON.parse` failures, whose messages often have no offset. Iterative: deep nesting is safe.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  return scanJson(text).error;
}

/**
 * Checks a JSON text in one pass: the first syntax error, and every duplicate key (which
 * `JSON.parse` silently resolves to the last value). Keys are compared as written.
 */
export function scanJson(text: string): { error?: JsonSyntaxError; duplicateKeys: JsonDuplicateKey[] } {
  const duplicateKeys: JsonDuplicateKey[] = [];
  const error = scan(text, duplicateKeys);
  return error ? { error, duplicateKeys } : { duplicateKeys };
}

function scan(text: string, duplicateKeys: JsonDuplicateKey[]): JsonSyntaxError | undefined {
  const stack: string[] = [];
  /** Keys seen in each open object (undefined for arrays). */
  const keys: (Set<string> | undefined)[] = [];
  let i = 0;
  let state: 'value' | 'key' | 'after' = 'value';
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const fail = (expected: string): JsonSyntaxError => ({
    offset: i,
    message: `expected ${expected}, got ${i < text.length ? `'${text[i]}'` : 'the end of the text'}`,
  });
  /** Scans a string at `i`; returns an error or advances past it. */
  const scanString = (): JsonSyntaxError | undefined => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c === '\\') {
        const next = text[i + 1];
        if (next === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else if (next !== undefined && ESCAPABLE.includes(next)) i += 2;
        else {
          i++;
          return fail('an escape such as \\n, \\" or \\u00e9');
        }
      } else if (c < ' ') {
        return fail('no control characters inside a string (use \\n)');
      } else i++;
    }
    return fail('a closing "');
  };

  for (;;) {
    skipSpace();
    if (state === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? '}' : ']');
        keys.push(c === '{' ? new Set() : undefined);
        i++;
        skipSpace();
        if (text[i] === stack[stack.length - 1]) {
          stack.pop();
          keys.pop();
          i++;
          state = 'after';
        } else state = c === '{' ? 'key' : 'value';
        continue;
      }
      if (c === '"') {
        const error = scanString();
        if (error) return error;
      } else {
        NUMBER.lastIndex = i;
        const number = NUMBER.exec(text);
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        if (number) i += number[0].length;
        else if (literal) i += literal.length;
        else return fail('a value');
      }
      state = 'after';
    } else if (state === 'key') {
      if (text[i] !== '"') return fail('a double-quoted property name');
      const start = i;
      const error = scanString();
      if (error) return error;
      const key = text.slice(start + 1, i - 1);
      const seen = keys[keys.length - 1]!;
      if (seen.has(key)) duplicateKeys.push({ offset: start, key });
      else seen.add(key);
      skipSpace();
      if (text[i] !== ':') return fail("':' after the property name");
      i++;
      state = 'value';
    } else {
      const close = stack[stack.length - 1];
      if (close === undefined) return i < text.length ? fail('the end of the text') : undefined;
      if (text[i] === ',') {
        i++;
        state = close === '}' ? 'key' : 'value';
      } else if (text[i] === close) {
        stack.pop();
        keys.pop();
        i++;
      } else return fail(`',' or '${close}'`);
    }
  }
}
