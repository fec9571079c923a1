import { ConditionSyntaxError } from './condition-syntax.error';
import type { ConditionExpression, ExpressionNode } from './expression.types';
import { type ConditionToken, type Operator, tokenizeCondition } from './tokenize-condition';

/** Longest condition accepted, in characters. */
export const MAX_CONDITION_LENGTH = 4096;
/** Deepest nesting of parentheses and `!` accepted. */
export const MAX_CONDITION_DEPTH = 100;

type BinaryOperator = Extract<ExpressionNode, { kind: 'binary' }>['operator'];
const COMPARISONS = new Set<Operator>(['==', '!=', '<', '<=', '>', '>=']);
const STEP_PATH = /^steps\.([A-Za-z_][A-Za-z0-9_-]*)\.(status|outputs(?:\.[A-Za-z0-9_-]+)*)$/;
const VALUE =
  "a value (a string, a number, true, false, null, steps.<id>.outputs… or steps.<id>.status), '!' or '('";

/**
 * Parses an `if:` condition.
 *
 * Grammar, loosest first (so `!` binds tightest, then comparisons, then `&&`, then `||`):
 *
 * ```
 * or         := and ('||' and)*
 * and        := comparison ('&&' comparison)*
 * comparison := unary (('==' | '!=' | '<' | '<=' | '>' | '>=') unary)?
 * unary      := '!' unary | primary
 * primary    := string | number | true | false | null | reference | '(' or ')'
 * reference  := steps.<id>.status | steps.<id>.outputs(.<key>)* — optionally written as ${…}
 * ```
 *
 * Comparisons do not chain (`a < b < c` is an error). Conditions longer than
 * {@link MAX_CONDITION_LENGTH} characters or nested deeper than {@link MAX_CONDITION_DEPTH} are
 * rejected so hostile input cannot exhaust the stack.
 *
 * @throws ConditionSyntaxError with the 1-based column and what was expected there.
 */
export function parseCondition(source: string): ConditionExpression {
  if (source.length > MAX_CONDITION_LENGTH) {
    throw new ConditionSyntaxError(
      `condition is ${source.length} characters long; at most ${MAX_CONDITION_LENGTH} are allowed`,
      MAX_CONDITION_LENGTH + 1,
      source,
    );
  }
  return { source, ast: new ConditionParser(source, tokenizeCondition(source)).parse() };
}

class ConditionParser {
  #position = 0;
  #depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly ConditionToken[],
  ) {}

  parse(): ExpressionNode {
    if (this.#peek().kind === 'end') this.#fail('expected a condition', this.#peek());
    const node = this.#or();
    const next = this.#peek();
    if (next.kind !== 'end') {
      this.#fail(
        `expected an operator (== != < <= > >= && ||) or the end of the condition, got '${next.text}'`,
        next,
      );
    }
    return node;
  }

  #or(): ExpressionNode {
    let left = this.#and();
    while (this.#isOperator('||')) {
      this.#position++;
      left = { kind: 'binary', operator: '||', left, right: this.#and() };
    }
    return left;
  }

  #and(): ExpressionNode {
    let left = this.#comparison();
    while (this.#isOperator('&&')) {
      this.#position++;
      left = { kind: 'binary', operator: '&&', left, right: this.#comparison() };
    }
    return left;
  }

  #comparison(): ExpressionNode {
    const left = this.#unary();
    const token = this.#peek();
    if (token.kind !== 'operator' || !COMPARISONS.has(token.value)) return left;
    this.#position++;
    const node: ExpressionNode = {
      kind: 'binary',
      operator: token.value as BinaryOperator,
      left,
      right: this.#unary(),
    };
    const after = this.#peek();
    if (after.kind === 'operator' && COMPARISONS.has(after.value)) {
      this.#fail(`comparisons do not chain: expected && or || before '${after.text}'`, after);
    }
    return node;
  }

  #unary(): ExpressionNode {
    if (!this.#isOperator('!')) return this.#primary();
    const bang = this.#next();
    this.#enter(bang);
    const node: ExpressionNode = { kind: 'not', operand: this.#unary() };
    this.#depth--;
    return node;
  }

  #primary(): ExpressionNode {
    const token = this.#next();
    switch (token.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'name':
        return this.#name(token);
      case 'operator':
        if (token.value === '(') {
          this.#enter(token);
          const inner = this.#or();
          const close = this.#next();
          if (close.kind !== 'operator' || close.value !== ')') {
            this.#fail(
              `expected ')'`,
              close,
              ` to close the '(' at column ${token.column}, got '${close.text}'`,
            );
          }
          this.#depth--;
          return inner;
        }
        return this.#fail(`expected ${VALUE}, got '${token.text}'`, token);
      default:
        return this.#fail(`expected ${VALUE}, got the end of the condition`, token);
    }
  }

  #name(token: Extract<ConditionToken, { kind: 'name' }>): ExpressionNode {
    switch (token.value) {
      case 'true':
        return { kind: 'literal', value: true };
      case 'false':
        return { kind: 'literal', value: false };
      case 'null':
        return { kind: 'literal', value: null };
    }
    const match = STEP_PATH.exec(token.value);
    if (match) return { kind: 'reference', stepId: match[1], path: match[2].split('.') };
    if (token.value === 'steps' || token.value.startsWith('steps.')) {
      return this.#fail(
        `expected a reference like steps.<id>.outputs.<key> or steps.<id>.status, got '${token.value}'`,
        token,
      );
    }
    return this.#fail(
      `unknown name '${token.value}': expected ${VALUE} (quote text: '${token.value}')`,
      token,
    );
  }

  #enter(token: ConditionToken): void {
    if (++this.#depth > MAX_CONDITION_DEPTH) {
      this.#fail(`condition nests deeper than ${MAX_CONDITION_DEPTH} levels`, token);
    }
  }

  #isOperator(operator: Operator): boolean {
    const token = this.#peek();
    return token.kind === 'operator' && token.value === operator;
  }

  #peek(): ConditionToken {
    return this.tokens[this.#position];
  }

  #next(): ConditionToken {
    const token = this.tokens[this.#position];
    if (token.kind !== 'end') this.#position++;
    return token;
  }

  #fail(message: string, token: ConditionToken, suffix = ''): never {
    throw new ConditionSyntaxError(
      `${message} at column ${token.column}${suffix}`,
      token.column,
      this.source,
    );
  }
}
