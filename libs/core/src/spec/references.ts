import type { ExpressionNode } from './expression/expression.types';
import type { StepDefinition } from './workflow.types';

/** A reference to a step's outputs or status: `${steps.<id>.outputs[.<key>…]}`, `${steps.<id>.status}`. */
export interface StepReference {
  readonly stepId: string;
  /** `['status']`, `['outputs']` or `['outputs', key, …]`. */
  readonly path: string[];
  /** The reference as written, `${…}` included. */
  readonly text: string;
}

/** One `${…}` occurrence in a string, classified. */
export type ReferenceToken =
  | ({ readonly kind: 'step' } & StepReference)
  | { readonly kind: 'item'; readonly path: string[]; readonly text: string }
  | { readonly kind: 'index'; readonly text: string }
  | {
      readonly kind: 'malformed';
      readonly text: string;
      /** What was expected instead. */
      readonly reason: string;
      /** It starts like a Weft reference (`steps`, `item`, `index`), not like a shell `${VAR}`. */
      readonly weftLike: boolean;
    };

/** What references resolve against at run time. */
export interface ReferenceScope {
  /** The status and outputs of a step of the run, or undefined when it has none (yet). */
  step(stepId: string): { readonly status: string; readonly outputs: unknown } | undefined;
  /** The current `foreach` item, inside a `foreach` step. */
  readonly item?: unknown;
  /** The current `foreach` index, inside a `foreach` step. */
  readonly index?: number;
}

const STEP_REF = /^steps\.([A-Za-z_][A-Za-z0-9_-]*)\.(?:(status)|outputs((?:\.[A-Za-z0-9_-]+)*))$/;
const ITEM_REF = /^item((?:\.[A-Za-z0-9_-]+)*)$/;
const WEFT_LIKE = /^(?:steps|item|index)\b/;
const EXPECTED =
  'expected ${steps.<id>.outputs}, ${steps.<id>.outputs.<key>}, ${steps.<id>.status}, ${item}, ${item.<key>} or ${index}';

const DIGITS = /^\d+$/;

const tokenCache = new Map<string, ReferenceToken>();

function classify(text: string): ReferenceToken {
  const cached = tokenCache.get(text);
  if (cached) return cached;
  const inner = text.slice(2, -1);
  let token: ReferenceToken;
  const step = STEP_REF.exec(inner);
  const item = step ? null : ITEM_REF.exec(inner);
  if (step) {
    const path = step[2] ? ['status'] : ['outputs', ...splitKeys(step[3])];
    token = { kind: 'step', stepId: step[1], path, text };
  } else if (item) {
    token = { kind: 'item', path: splitKeys(item[1]), text };
  } else if (inner === 'index') {
    token = { kind: 'index', text };
  } else {
    const weftLike = WEFT_LIKE.test(inner);
    const reason = weftLike
      ? `malformed reference ${text}: ${EXPECTED}`
      : `unknown reference ${text}: ${EXPECTED}; write $\${…} for a literal "\${"`;
    token = { kind: 'malformed', text, reason, weftLike };
  }
  if (tokenCache.size < 10_000) tokenCache.set(text, token);
  return token;
}

function splitKeys(dotted: string): string[] {
  return dotted ? dotted.slice(1).split('.') : [];
}

/**
 * Calls `visit` for each `${…}` in `text` with its position. `$${` is an escaped literal `${` and is
 * skipped. An unterminated `${` is reported as malformed.
 */
export function scanReferences(
  text: string,
  visit: (token: ReferenceToken, start: number, end: number) => void,
): void {
  let start = text.indexOf('${');
  while (start !== -1) {
    if (start > 0 && text.charCodeAt(start - 1) === 36 /* $ */) {
      start = text.indexOf('${', start + 2);
      continue;
    }
    const close = text.indexOf('}', start + 2);
    if (close === -1) {
      const rest = text.slice(start);
      const inner = rest.slice(2);
      visit(
        {
          kind: 'malformed',
          text: rest,
          reason: `unterminated reference ${rest}: missing '}'`,
          weftLike: WEFT_LIKE.test(inner),
        },
        start,
        text.length,
      );
      return;
    }
    visit(classify(text.slice(start, close + 1)), start, close + 1);
    start = text.indexOf('${', close + 1);
  }
}

/** The step references (`${steps.<id>…}`) in the strings of `value`, searched recursively. */
export function findReferences(value: unknown): StepReference[] {
  const found: StepReference[] = [];
  collectStepIds(value, (stepId, start, end, text) => {
    const reference = text.slice(start, end);
    found.push({
      stepId,
      path: reference.slice(PREFIX.length + stepId.length + 1, -1).split('.'),
      text: reference,
    });
  });
  return found;
}

const PREFIX = '${steps.';

function isIdChar(code: number, first: boolean): boolean {
  return (
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 || // _
    (!first && ((code >= 48 && code <= 57) || code === 45)) // 0-9 -
  );
}

/**
 * Calls `add` for each valid `${steps.<id>.status}` / `${steps.<id>.outputs[.<key>…]}` in `text`
 * (not escaped with `$${`). Hand-written rather than a regex: it runs for every string of every
 * step when the graph of a 100,000-step workflow is built.
 */
function scanStepReferences(text: string, add: (stepId: string, start: number, end: number) => void): void {
  let start = text.indexOf(PREFIX);
  while (start !== -1) {
    const next = text.indexOf(PREFIX, start + PREFIX.length);
    const end = matchStepReference(text, start + PREFIX.length);
    if (end !== -1 && !(start > 0 && text.charCodeAt(start - 1) === 36)) {
      add(text.slice(start + PREFIX.length, text.indexOf('.', start + PREFIX.length)), start, end);
    }
    start = next;
  }
}

/** Matches `<id>.status}` or `<id>.outputs(.<key>)*}` at `i`; returns the offset after `}` or -1. */
function matchStepReference(text: string, i: number): number {
  if (!isIdChar(text.charCodeAt(i), true)) return -1;
  i++;
  while (isIdChar(text.charCodeAt(i), false)) i++;
  if (text.charCodeAt(i) !== 46 /* . */) return -1;
  i++;
  if (text.startsWith('status}', i)) return i + 7;
  if (!text.startsWith('outputs', i)) return -1;
  i += 7;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 125 /* } */) return i + 1;
    if (code !== 46) return -1;
    i++;
    if (!isIdChar(text.charCodeAt(i), false)) return -1;
    while (isIdChar(text.charCodeAt(i), false)) i++;
  }
}

function collectStepIds(
  value: unknown,
  add: (stepId: string, start: number, end: number, text: string) => void,
): void {
  if (typeof value === 'string') {
    if (value.length > 16 && value.includes(PREFIX)) {
      scanStepReferences(value, (stepId, start, end) => add(stepId, start, end, value));
    }
  } else if (Array.isArray(value)) {
    for (const entry of value) collectStepIds(entry, add);
  } else if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      if (Object.hasOwn(value, key)) collectStepIds((value as Record<string, unknown>)[key], add);
    }
  }
}

/** Step ids named by the references of a condition's syntax tree. */
export function conditionReferences(node: ExpressionNode, add: (stepId: string) => void): void {
  switch (node.kind) {
    case 'reference':
      add(node.stepId);
      return;
    case 'not':
      conditionReferences(node.operand, add);
      return;
    case 'binary':
      conditionReferences(node.left, add);
      conditionReferences(node.right, add);
      return;
    default:
      return;
  }
}

/**
 * Every step id a step refers to from its `inputs`, `if`, `foreach`, `env` and type-specific fields,
 * deduplicated, in first-seen order. (`needs` is not included.)
 */
export function stepReferences(
  step: Pick<StepDefinition, 'inputs' | 'if' | 'foreach' | 'env' | 'config'>,
): string[] {
  const seen = new Set<string>();
  forEachStepReference(step, (stepId) => {
    seen.add(stepId);
  });
  return [...seen];
}

/**
 * Calls `add` with the step id of each reference a step makes from its `inputs`, `if`, `foreach`,
 * `env` and type-specific fields, in that order, repeats included. ({@link stepReferences} without
 * its per-step set and array: the graph of a 100,000-step workflow is built with this, deduping
 * as it lays the edges out.)
 */
export function forEachStepReference(
  step: Pick<StepDefinition, 'inputs' | 'if' | 'foreach' | 'env' | 'config'>,
  add: (stepId: string) => void,
): void {
  collectStepIds(step.inputs, add);
  if (step.if) conditionReferences(step.if.ast, add);
  collectStepIds(step.foreach, add);
  collectStepIds(step.env, add);
  collectStepIds(step.config, add);
}

/**
 * The value a reference points at: `status`, the outputs, or a key path inside them (array items by
 * index: `items.0`). Anything missing is `null`.
 */
export function lookupReference(stepId: string, path: readonly string[], scope: ReferenceScope): unknown {
  const step = scope.step(stepId);
  if (!step) return null;
  if (path[0] === 'status') return step.status ?? null;
  return walk(step.outputs, path, 1);
}

function walk(start: unknown, path: readonly string[], from: number): unknown {
  let current = start;
  for (let i = from; i < path.length; i++) {
    const key = path[i];
    if (Array.isArray(current) && DIGITS.test(key)) current = current[Number(key)];
    else if (
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current) &&
      Object.hasOwn(current, key)
    ) {
      current = (current as Record<string, unknown>)[key];
    } else return null;
  }
  return current === undefined ? null : current;
}

/** Resolves one token; `undefined` means "leave the text as written". */
function tokenValue(token: ReferenceToken, scope: ReferenceScope): unknown {
  switch (token.kind) {
    case 'step':
      return lookupReference(token.stepId, token.path, scope);
    case 'item':
      return scope.item === undefined ? undefined : walk(scope.item, token.path, 0);
    case 'index':
      return scope.index;
    default:
      return undefined;
  }
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function resolveString(text: string, scope: ReferenceScope): unknown {
  if (!text.includes('${')) return text;
  // A string that is exactly one reference takes the referenced value itself.
  if (text.startsWith('${') && text.indexOf('}') === text.length - 1) {
    const token = classify(text);
    const value = tokenValue(token, scope);
    if (token.kind !== 'malformed' && (value !== undefined || token.kind === 'step')) return value ?? null;
  }
  let out = '';
  let last = 0;
  scanReferences(text, (token, start, end) => {
    const value = tokenValue(token, scope);
    if (value === undefined && token.kind !== 'step') return;
    out += unescapeLiteral(text.slice(last, start)) + asText(value);
    last = end;
  });
  return out + unescapeLiteral(text.slice(last));
}

const ESCAPED = /\$\$\{/g;

function unescapeLiteral(literal: string): string {
  return literal.includes('$${') ? literal.replace(ESCAPED, '${') : literal;
}

/**
 * Resolves the references in `value` (strings in objects and arrays, recursively) without mutating it.
 *
 * - A string that is exactly one reference becomes the referenced JSON value (object, array,
 *   number…); a missing step or key gives `null`.
 * - References inside a longer string are interpolated as text: objects and arrays as JSON, `null`
 *   and missing values as `''`.
 * - `$${` is an escaped literal `${`.
 * - `${item…}` / `${index}` stay as written when the scope has no item / index (outside `foreach`),
 *   and malformed `${…}` (e.g. a shell `${HOME}`) is left as written.
 *
 * Referenced objects are returned as they are in the scope, not copied.
 */
export function resolveValue(value: unknown, scope: ReferenceScope): unknown {
  if (typeof value === 'string') return resolveString(value, scope);
  if (Array.isArray(value)) return value.map((entry) => resolveValue(entry, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, resolveValue(entry, scope)]));
  }
  return value;
}
