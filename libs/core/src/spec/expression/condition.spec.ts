import type { ReferenceScope } from '../references';
import { ConditionEvaluationError } from './condition-evaluation.error';
import { ConditionSyntaxError } from './condition-syntax.error';
import { evaluateCondition, truthy } from './evaluate-condition';
import { MAX_CONDITION_DEPTH, MAX_CONDITION_LENGTH, parseCondition } from './parse-condition';

function syntaxError(source: string): ConditionSyntaxError {
  try {
    parseCondition(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    return error as ConditionSyntaxError;
  }
  throw new Error(`expected "${source}" not to parse`);
}

const run: ReferenceScope = {
  step: (id) =>
    ({
      check: {
        status: 'succeeded',
        outputs: { mode: 'full', n: 3, ok: true, empty: '', list: [1, 2], obj: { a: 1 } },
      },
      broken: { status: 'failed', outputs: {} },
    })[id],
};

function evaluate(source: string, scope: ReferenceScope = run): boolean {
  return evaluateCondition(parseCondition(source), scope);
}

describe('parseCondition', () => {
  it('parses literals and references', () => {
    expect(parseCondition("'it'").ast).toEqual({ kind: 'literal', value: 'it' });
    expect(parseCondition('"a\\"b\\n"').ast).toEqual({ kind: 'literal', value: 'a"b\n' });
    expect(parseCondition('-1.5e2').ast).toEqual({ kind: 'literal', value: -150 });
    expect(parseCondition('null').ast).toEqual({ kind: 'literal', value: null });
    expect(parseCondition('false').ast).toEqual({ kind: 'literal', value: false });
    expect(parseCondition('steps.check.outputs.mode').ast).toEqual({
      kind: 'reference',
      stepId: 'check',
      path: ['outputs', 'mode'],
    });
    expect(parseCondition('steps.a-b.status').ast).toEqual({
      kind: 'reference',
      stepId: 'a-b',
      path: ['status'],
    });
  });

  it('accepts the ${…} form of a reference', () => {
    expect(parseCondition('${steps.x.outputs.y} == 1').ast).toEqual({
      kind: 'binary',
      operator: '==',
      left: { kind: 'reference', stepId: 'x', path: ['outputs', 'y'] },
      right: { kind: 'literal', value: 1 },
    });
  });

  it('keeps the source', () => {
    expect(parseCondition('true').source).toBe('true');
  });

  it('binds ! tighter than comparisons, comparisons tighter than &&, && tighter than ||', () => {
    const { ast } = parseCondition('!true == false || null && 1 < 2');
    expect(ast).toEqual({
      kind: 'binary',
      operator: '||',
      left: {
        kind: 'binary',
        operator: '==',
        left: { kind: 'not', operand: { kind: 'literal', value: true } },
        right: { kind: 'literal', value: false },
      },
      right: {
        kind: 'binary',
        operator: '&&',
        left: { kind: 'literal', value: null },
        right: {
          kind: 'binary',
          operator: '<',
          left: { kind: 'literal', value: 1 },
          right: { kind: 'literal', value: 2 },
        },
      },
    });
  });

  it('lets parentheses override precedence', () => {
    const { ast } = parseCondition('(true || false) && false');
    expect(ast).toMatchObject({ kind: 'binary', operator: '&&', left: { operator: '||' } });
  });

  it.each([
    [
      '(true && false',
      "expected ')' at column 15 to close the '(' at column 1, got 'the end of the condition'",
      15,
    ],
    ['true &&', 'expected a value', 8],
    ['', 'expected a condition at column 1', 1],
    ['   ', 'expected a condition at column 4', 4],
    [
      'true false',
      "expected an operator (== != < <= > >= && ||) or the end of the condition, got 'false' at column 6",
      6,
    ],
    ["steps.a.outputs = 'x'", "unexpected character '=' (use '==' to compare) at column 17", 17],
    ['true & false', "unexpected character '&' (use '&&') at column 6", 6],
    ['steps.a', 'expected a reference like steps.<id>.outputs.<key> or steps.<id>.status', 1],
    ['steps.a.foo', 'expected a reference like', 1],
    ['steps.a.outputs.', "expected a name after '.' at column 17", 17],
    ['mode == full', "unknown name 'mode'", 1],
    ["'open", "expected a closing ' for the string that starts at column 1", 1],
    ["'a\\q'", 'expected one of', 3],
    ['1 < 2 < 3', 'comparisons do not chain', 7],
    ['$steps', "expected '{' after '$' at column 2", 2],
    ['${steps.a.outputs', "expected '}' to close", 1],
    ['${a b}', 'expected a reference like ${steps.<id>.outputs.<key>}', 1],
    [
      ')',
      "expected a value (a string, a number, true, false, null, steps.<id>.outputs… or steps.<id>.status), '!' or '(', got ')' at column 1",
      1,
    ],
    ['#', "unexpected character '#' at column 1", 1],
  ])('rejects %j: %s (column %d)', (source, message, column) => {
    const error = syntaxError(source);
    expect(error.message).toContain(message);
    expect(error.column).toBe(column);
    expect(error.source).toBe(source);
    expect(error.name).toBe('ConditionSyntaxError');
  });

  it(`accepts nesting up to ${MAX_CONDITION_DEPTH} levels and rejects deeper`, () => {
    const nested = (depth: number) => '('.repeat(depth) + 'true' + ')'.repeat(depth);
    expect(parseCondition(nested(MAX_CONDITION_DEPTH)).ast).toEqual({ kind: 'literal', value: true });
    expect(syntaxError(nested(MAX_CONDITION_DEPTH + 1)).message).toMatch(
      /nests deeper than 100 levels at column 101/,
    );
    expect(syntaxError('!'.repeat(MAX_CONDITION_DEPTH + 1) + 'true').message).toMatch(/nests deeper/);
    expect(evaluate('!'.repeat(MAX_CONDITION_DEPTH) + 'true')).toBe(true);
  });

  it(`rejects conditions longer than ${MAX_CONDITION_LENGTH} characters without a stack overflow`, () => {
    const error = syntaxError('('.repeat(100_000));
    expect(error.message).toMatch(/at most 4096/);
    expect(error.column).toBe(MAX_CONDITION_LENGTH + 1);
  });

  it('handles a long flat chain within the length limit', () => {
    const chain = Array.from({ length: 1300 }, () => '1').join('&&');
    expect(chain.length).toBeLessThanOrEqual(MAX_CONDITION_LENGTH);
    expect(evaluate(chain)).toBe(true);
  });
});

describe('evaluateCondition', () => {
  it('reads statuses and outputs', () => {
    expect(evaluate("steps.check.status == 'succeeded'")).toBe(true);
    expect(evaluate("steps.broken.status == 'failed'")).toBe(true);
    expect(evaluate("steps.check.outputs.mode == 'full' && steps.check.outputs.n >= 3")).toBe(true);
    expect(evaluate('${steps.check.outputs.n} > 2')).toBe(true);
  });

  it('compares strictly by JSON value, without coercion', () => {
    expect(evaluate("steps.check.outputs.n == '3'")).toBe(false);
    expect(evaluate('steps.check.outputs.n != 3')).toBe(false);
    expect(evaluate('steps.check.outputs.ok == true')).toBe(true);
    expect(evaluate('steps.check.outputs.missing == null')).toBe(true);
    expect(evaluate('steps.ghost.status == null')).toBe(true);
    expect(evaluate('null == false')).toBe(false);
  });

  it('compares lists and mappings by content', () => {
    const scope: ReferenceScope = {
      step: (id) =>
        ({
          a: { status: 'succeeded', outputs: { l: [1, { x: 2 }], o: { k: 'v' } } },
          b: { status: 'succeeded', outputs: { l: [1, { x: 2 }], o: { k: 'v' }, o2: { j: 'v' }, l2: [1] } },
        })[id],
    };
    expect(evaluate('steps.a.outputs.l == steps.b.outputs.l', scope)).toBe(true);
    expect(evaluate('steps.a.outputs.o == steps.b.outputs.o', scope)).toBe(true);
    expect(evaluate('steps.a.outputs.o == steps.b.outputs.o2', scope)).toBe(false);
    expect(evaluate('steps.a.outputs.l == steps.b.outputs.l2', scope)).toBe(false);
    expect(evaluate('steps.a.outputs.l == steps.b.outputs.o', scope)).toBe(false);
  });

  it('orders two numbers or two strings', () => {
    expect(evaluate('1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3')).toBe(true);
    expect(evaluate("'abc' < 'abd'")).toBe(true);
    expect(evaluate('2 < 1 || 1 > 2 || 3 <= 2 || 2 >= 3')).toBe(false);
  });

  it('throws a clear error when ordering mixed types', () => {
    expect(() => evaluate("steps.check.outputs.n < 'a'")).toThrow(ConditionEvaluationError);
    expect(() => evaluate("steps.check.outputs.n < 'a'")).toThrow(
      `cannot evaluate number 3 < string "a" in condition "steps.check.outputs.n < 'a'": '<' compares two numbers or two strings`,
    );
    expect(() => evaluate('steps.check.outputs.missing >= 1')).toThrow(/null >= number 1/);
    expect(() => evaluate('steps.check.outputs.list > steps.check.outputs.obj')).toThrow(
      /a list > a mapping/,
    );
  });

  it('short-circuits && and ||', () => {
    expect(evaluate("false && steps.check.outputs.n < 'a'")).toBe(false);
    expect(evaluate("true || steps.check.outputs.n < 'a'")).toBe(true);
    const calls: string[] = [];
    const counting: ReferenceScope = { step: (id) => (calls.push(id), { status: 'succeeded', outputs: {} }) };
    evaluate("steps.a.status == 'failed' && steps.b.status == 'x'", counting);
    expect(calls).toEqual(['a']);
  });

  it('coerces the result by truthiness', () => {
    expect(evaluate('steps.check.outputs.mode')).toBe(true);
    expect(evaluate('steps.check.outputs.empty')).toBe(false);
    expect(evaluate('steps.check.outputs.missing')).toBe(false);
    expect(evaluate('0')).toBe(false);
    expect(evaluate('steps.check.outputs.list')).toBe(true);
    expect(evaluate('!steps.check.outputs.n')).toBe(false);
    expect(truthy(Number.NaN)).toBe(false);
    expect(truthy({})).toBe(true);
    expect(truthy([])).toBe(true);
  });
});
