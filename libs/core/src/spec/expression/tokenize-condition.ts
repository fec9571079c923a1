import { ConditionSyntaxError } from './condition-syntax.error';

/** One lexical token of a condition. */
export type ConditionToken =
  | { readonly kind: 'string'; readonly value: string; readonly column: number; readonly text: string }
  | { readonly kind: 'number'; readonly value: number; readonly column: number; readonly text: string }
  /** A dotted name (`steps.a.outputs.x`, `true`), also from the `${…}` form. */
  | { readonly kind: 'name'; readonly value: string; readonly column: number; readonly text: string }
  | { readonly kind: 'operator'; readonly value: Operator; readonly column: number; readonly text: string }
  | { readonly kind: 'end'; readonly column: number; readonly text: string };

export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '!' | '(' | ')';

const OPERATORS: readonly Operator[] = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')'];
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Splits a condition into tokens; the last is always `end`. Throws `ConditionSyntaxError`. */
export function tokenizeCondition(source: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let i = 0;
  function fail(message: string, at: number): never {
    throw new ConditionSyntaxError(`${message} at column ${at + 1}`, at + 1, source);
  }
  while (i < source.length) {
    const ch = source[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const column = i + 1;
    if (ch === "'" || ch === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) fail(`expected a closing ${ch} for the string that starts`, i);
        const c = source[j];
        if (c === ch) break;
        if (c === '\\') {
          const escaped = ESCAPES[source[j + 1]];
          if (escaped === undefined) fail(`expected one of \\n \\t \\r \\\\ \\' \\" after '\\'`, j);
          value += escaped;
          j += 2;
        } else {
          value += c;
          j++;
        }
      }
      tokens.push({ kind: 'string', value, column, text: source.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (ch === '$') {
      if (source[i + 1] !== '{') fail("expected '{' after '$'", i + 1);
      const close = source.indexOf('}', i + 2);
      if (close === -1) fail("expected '}' to close the '${' that starts", i);
      const inner = source.slice(i + 2, close).trim();
      NAME.lastIndex = 0;
      const match = NAME.exec(inner);
      if (!match || match[0].length !== inner.length)
        fail(`expected a reference like \${steps.<id>.outputs.<key>} inside '\${…}'`, i);
      tokens.push({ kind: 'name', value: inner, column, text: source.slice(i, close + 1) });
      i = close + 1;
      continue;
    }
    if (isDigit(ch) || (ch === '-' && isDigit(source[i + 1]))) {
      NUMBER.lastIndex = i;
      const text = NUMBER.exec(source)![0];
      tokens.push({ kind: 'number', value: Number(text), column, text });
      i += text.length;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(source);
    if (name) {
      const end = i + name[0].length;
      if (source[end] === '.') fail("expected a name after '.'", end + 1);
      tokens.push({ kind: 'name', value: name[0], column, text: name[0] });
      i = end;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (!operator) {
      const hint =
        ch === '=' ? " (use '==' to compare)" : ch === '&' || ch === '|' ? ` (use '${ch}${ch}')` : '';
      fail(`unexpected character '${ch}'${hint}`, i);
    }
    tokens.push({ kind: 'operator', value: operator, column, text: operator });
    i += operator.length;
  }
  tokens.push({ kind: 'end', column: source.length + 1, text: 'the end of the condition' });
  return tokens;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}
