import { lookupReference, type ReferenceScope } from '../references';
import { ConditionEvaluationError } from './condition-evaluation.error';
import type { ConditionExpression, ExpressionNode } from './expression.types';

/**
 * Evaluates a parsed `if:` condition against the run so far.
 *
 * - References read `steps.<id>.status` or a value in `steps.<id>.outputs`; anything missing is `null`.
 * - `==` / `!=` compare JSON values strictly by value: no coercion (`1 == '1'` is false), arrays and
 *   objects are equal when their contents are.
 * - `<` `<=` `>` `>=` compare two numbers or two strings (by code unit); anything else throws a
 *   `ConditionEvaluationError`.
 * - `&&` and `||` short-circuit and yield booleans.
 * - Truthiness (for `!`, `&&`, `||` and the result): `false`, `null`, `0`, `NaN` and `''` are false;
 *   everything else — including empty lists and mappings — is true.
 */
export function evaluateCondition(expression: ConditionExpression, scope: ReferenceScope): boolean {
  return truthy(evaluate(expression.ast, scope, expression.source));
}

function evaluate(node: ExpressionNode, scope: ReferenceScope, source: string): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'reference':
      return lookupReference(node.stepId, node.path, scope);
    case 'not':
      return !truthy(evaluate(node.operand, scope, source));
    case 'binary': {
      const { operator } = node;
      if (operator === '&&')
        return truthy(evaluate(node.left, scope, source)) && truthy(evaluate(node.right, scope, source));
      if (operator === '||')
        return truthy(evaluate(node.left, scope, source)) || truthy(evaluate(node.right, scope, source));
      const left = evaluate(node.left, scope, source);
      const right = evaluate(node.right, scope, source);
      if (operator === '==') return jsonEqual(left, right);
      if (operator === '!=') return !jsonEqual(left, right);
      const comparable =
        (typeof left === 'number' && typeof right === 'number') ||
        (typeof left === 'string' && typeof right === 'string');
      if (!comparable) {
        throw new ConditionEvaluationError(
          `cannot evaluate ${show(left)} ${operator} ${show(right)} in condition "${source}": ` +
            `'${operator}' compares two numbers or two strings`,
          source,
        );
      }
      const a = left as number | string;
      const b = right as number | string;
      switch (operator) {
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        default:
          return a >= b;
      }
    }
  }
}

/** Truthiness of a condition value: false, null, 0, NaN and '' are false; all else is true. */
export function truthy(value: unknown): boolean {
  return !(
    value === false ||
    value === null ||
    value === undefined ||
    value === 0 ||
    value === '' ||
    Number.isNaN(value)
  );
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((entry, i) => jsonEqual(entry, other[i]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return (
    aKeys.length === Object.keys(bRecord).length &&
    aKeys.every(
      (key) => Object.hasOwn(bRecord, key) && jsonEqual((a as Record<string, unknown>)[key], bRecord[key]),
    )
  );
}

function show(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}
