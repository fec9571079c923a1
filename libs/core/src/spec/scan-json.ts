import type { PositionNode } from './source-map';

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

/** What {@link scanJson} found. */
export interface JsonScan {
  readonly error?: JsonSyntaxError;
  readonly duplicateKeys: JsonDuplicateKey[];
  /** Where each value and key was written (with `positions: true`, for a text without syntax errors). */
  readonly positions?: PositionNode;
}

/**
 * Checks a JSON text in one linear pass: the first syntax error, and every duplicate key (which
 * `JSON.parse` silently resolves to the last value); keys are compared once unescaped. With
 * `positions`, also records where every value and key starts.
 */
export function scanJson(text: string, options: { positions?: boolean } = {}): JsonScan {
  const duplicateKeys: JsonDuplicateKey[] = [];
  const tree: { root?: PositionNode } = {};
  const error = scan(text, duplicateKeys, options.positions ? tree : undefined);
  if (error) return { error, duplicateKeys };
  return tree.root ? { duplicateKeys, positions: tree.root } : { duplicateKeys };
}

/** Where the values of a JSON text start (undefined when it is not valid JSON). */
export function jsonPositions(text: string): PositionNode | undefined {
  return scanJson(text, { positions: true }).positions;
}

type MutablePosition = { at: number; entries?: Map<string, { keyAt: number; value?: PositionNode }>; items?: PositionNode[] };

/** A key as `JSON.parse` reads it. */
const unescapeKey = (raw: string): string => (raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw);

function scan(text: string, duplicateKeys: JsonDuplicateKey[], tree?: { root?: PositionNode }): JsonSyntaxError | undefined {
  const stack: string[] = [];
  /** Keys seen in each open object (undefined for arrays). */
  const keys: (Set<string> | undefined)[] = [];
  /** With positions: the open containers, and where the next value goes. */
  const open: MutablePosition[] = [];
  let pendingKey: { key: string; keyAt: number } | undefined;
  const place = (at: number, container?: '{' | '['): void => {
    if (!tree) return;
    const node: MutablePosition = container === '{' ? { at, entries: new Map() } : container === '[' ? { at, items: [] } : { at };
    const parent = open[open.length - 1];
    if (!parent) tree.root = node;
    else if (parent.items) parent.items.push(node);
    else if (pendingKey && !parent.entries!.has(pendingKey.key)) parent.entries!.set(pendingKey.key, { keyAt: pendingKey.keyAt, value: node });
    if (container) open.push(node);
  };
  const closeContainer = (): void => {
    if (tree) open.pop();
  };
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
        place(i, c);
        stack.push(c === '{' ? '}' : ']');
        keys.push(c === '{' ? new Set() : undefined);
        i++;
        skipSpace();
        if (text[i] === stack[stack.length - 1]) {
          stack.pop();
          keys.pop();
          closeContainer();
          i++;
          state = 'after';
        } else state = c === '{' ? 'key' : 'value';
        continue;
      }
      place(i);
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
      const key = unescapeKey(text.slice(start + 1, i - 1));
      pendingKey = { key, keyAt: start };
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
        closeContainer();
        i++;
      } else return fail(`',' or '${close}'`);
    }
  }
}
