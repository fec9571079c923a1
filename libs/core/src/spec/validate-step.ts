import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { StepTypeNotFoundError } from '../errors/step-type-not-found.error';
import type { StepTypeHandler, StepTypeRegistry } from '../step-type/step-type';
import { checkReferences, checkStepId, type ReferenceRules } from './check-references';
import { describeValue, isRecord } from './describe-value';
import { ConditionSyntaxError } from './expression/condition-syntax.error';
import type { ConditionExpression } from './expression/expression.types';
import { parseCondition } from './expression/parse-condition';
import type { IssueList } from './issue-list';
import { conditionReferences, scanReferences } from './references';
import type { PathSegment } from './source-map';
import { listNames } from './suggest';
import {
  DEFAULT_RETRY_DELAY_MS,
  issueMessage,
  STEP_FIELD_NAMES,
  type StepField,
  stepFields,
} from './workflow.schema';
import type { StepDefinition } from './workflow.types';

/** What every step of one document is checked against. */
export interface StepValidationContext {
  readonly issues: IssueList;
  readonly stepTypes: StepTypeRegistry;
  /** Absolute folder path fields must stay inside. */
  readonly rootDir: string;
  /** Names in `pools`, or undefined when `pools` itself is invalid (then `pool` is not checked). */
  readonly pools: ReadonlySet<string> | undefined;
  /** Every valid, first-seen step id → its index. */
  readonly stepIds: ReadonlyMap<string, number>;
}

const COMMON_FIELDS = new Set<string>(STEP_FIELD_NAMES);

/**
 * Validates one entry of `steps`: the common fields, the references, and the type-specific fields
 * with the step type's own schema. Reports every problem to `context.issues`.
 *
 * @returns the normalized step — built from whatever was valid, so the graph can still be checked
 *   for cycles — or undefined when the entry is not a step at all.
 */
export function validateStep(
  raw: unknown,
  index: number,
  context: StepValidationContext,
): StepDefinition | undefined {
  const { issues } = context;
  const at: PathSegment[] = ['steps', index];
  if (!isRecord(raw)) {
    issues.add(at, `expected a step (a mapping with at least id and type), got ${describeValue(raw)}`);
    return undefined;
  }

  const common: Partial<Record<StepField, unknown>> = {};
  const rawConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (COMMON_FIELDS.has(key)) common[key as StepField] = value;
    else rawConfig[key] = value;
  }
  const field = <K extends StepField>(name: K): z.output<(typeof stepFields)[K]> | undefined => {
    if (!(name in common)) return undefined;
    const result = stepFields[name].safeParse(common[name], { reportInput: true });
    if (result.success) return result.data as z.output<(typeof stepFields)[K]>;
    for (const issue of result.error.issues) {
      issues.add([...at, name, ...(issue.path as PathSegment[])], issueMessage(issue, stepFields[name]), {
        key: issue.code === 'invalid_key',
      });
    }
    return undefined;
  };

  for (const required of ['id', 'type'] as const) {
    if (!(required in common)) {
      const hint = required === 'type' ? `; registered types: ${listNames(context.stepTypes.names())}` : '';
      issues.add(at, `missing required field '${required}'${hint}`);
    }
  }
  const id = field('id');
  const type = field('type');
  const handler = type === undefined ? undefined : context.stepTypes.get(type);
  if (type !== undefined && !handler) {
    issues.add([...at, 'type'], new StepTypeNotFoundError(type, context.stepTypes.names()).message);
  }

  const foreach = checkForeach(common.foreach, 'foreach' in common, [...at, 'foreach'], issues);
  const rules: ReferenceRules = {
    issues,
    stepIds: context.stepIds,
    selfId: id,
    inForeach: 'foreach' in common,
  };

  const parsedNeeds = field('needs');
  const needs = [...new Set(parsedNeeds ?? [])];
  const needsValue = common.needs;
  const firstIndex = new Map<unknown, number>();
  if (Array.isArray(needsValue)) needsValue.forEach((need, i) => firstIndex.has(need) || firstIndex.set(need, i));
  for (const need of needs) {
    checkStepId(need, Array.isArray(needsValue) ? [...at, 'needs', firstIndex.get(need)!] : [...at, 'needs'], rules);
  }

  const condition = checkCondition(field('if'), [...at, 'if'], rules);

  const pool = field('pool');
  if (pool !== undefined && context.pools && !context.pools.has(pool)) {
    const names = [...context.pools];
    issues.add(
      [...at, 'pool'],
      `unknown pool '${pool}'${issues.suggestions.didYouMean(pool, names)}; pools: ${listNames(names)}. Declare it under pools: at the top level`,
    );
  }

  const inputs = field('inputs') ?? {};
  const env = field('env') ?? {};
  checkReferences(common.inputs, [...at, 'inputs'], 'value', rules);
  checkReferences(common.env, [...at, 'env'], 'value', rules);
  checkReferences(common.foreach, [...at, 'foreach'], 'foreach', rules);
  const config = handler ? checkConfig(rawConfig, handler, at, rules, context) : rawConfig;
  if (!handler) checkReferences(rawConfig, at, 'value', rules);

  return {
    id: id ?? `#${index}`,
    type: type ?? '',
    index,
    needs,
    inputs,
    ...(condition ? { if: condition } : {}),
    ...(foreach !== undefined ? { foreach } : {}),
    ...optional('timeoutMs', field('timeout')),
    retries: field('retries') ?? 0,
    retryDelayMs: field('retryDelay') ?? DEFAULT_RETRY_DELAY_MS,
    continueOnError: field('continueOnError') ?? false,
    ...optional('pool', pool),
    ...optional('runsOn', field('runsOn')),
    ...optional('resourceLimits', field('limits')),
    env,
    config,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `foreach` is one whole `${steps.<id>.outputs…}` reference or a literal list. */
function checkForeach(value: unknown, present: boolean, at: PathSegment[], issues: IssueList): unknown {
  if (!present) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    let whole = false;
    scanReferences(value, (token, start, end) => {
      whole ||= start === 0 && end === value.length && token.kind === 'step' && token.path[0] === 'outputs';
    });
    if (whole) return value;
  }
  issues.add(
    at,
    `expected one reference like \${steps.list.outputs.items} or a list, got ${describeValue(value)}`,
  );
  return undefined;
}

function checkCondition(
  source: string | boolean | undefined,
  at: PathSegment[],
  rules: ReferenceRules,
): ConditionExpression | undefined {
  if (source === undefined) return undefined;
  let condition: ConditionExpression;
  try {
    condition = parseCondition(String(source));
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    rules.issues.add(at, `invalid condition: ${error.message}`);
    return undefined;
  }
  const seen = new Set<string>();
  let valid = true;
  conditionReferences(condition.ast, (stepId) => {
    if (seen.has(stepId)) return;
    seen.add(stepId);
    valid = checkStepId(stepId, at, rules, `the condition "${condition.source}"`) && valid;
  });
  return valid ? condition : undefined;
}

/** Validates the type-specific fields with the step type's schema; returns what the schema parsed. */
function checkConfig(
  rawConfig: Record<string, unknown>,
  handler: StepTypeHandler<any>,
  at: PathSegment[],
  rules: ReferenceRules,
  context: StepValidationContext,
): Record<string, unknown> {
  const { issues } = context;
  const { codeFields, shape } = handlerFields(handler);
  const codeRules: ReferenceRules = { ...rules, handler };
  for (const [key, value] of Object.entries(rawConfig)) {
    if (codeFields.has(key)) checkReferences(value, [...at, key], 'code', codeRules);
    else checkReferences(value, [...at, key], 'value', rules);
  }

  const candidates = (): string[] => [...STEP_FIELD_NAMES, ...(shape ?? [])];
  const unknownField = (key: string): void => {
    issues.add(
      [...at, key],
      `unknown field '${key}' for a step of type '${handler.name}'${issues.suggestions.didYouMean(key, candidates())}; allowed fields: ${candidates().join(', ')}`,
      { key: true },
    );
  };
  if (shape) {
    for (const key of Object.keys(rawConfig)) if (!shape.has(key)) unknownField(key);
  }

  const result = handler.configSchema.safeParse(rawConfig, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        if (!shape) for (const key of issue.keys) unknownField(key);
        continue;
      }
      const where = [...at, ...(issue.path as PathSegment[])];
      const input = (issue as { input?: unknown }).input;
      const missing = issue.code === 'invalid_type' && input === undefined && issue.path.length === 1;
      const message = missing
        ? `missing required field '${String(issue.path[0])}' for a step of type '${handler.name}'`
        : issue.code === 'invalid_type'
          ? `expected ${issue.expected}, got ${describeValue(input)}`
          : issueMessage(issue, handler.configSchema);
      issues.add(where, message, { key: issue.code === 'invalid_key' });
    }
  }
  const config = result.success && isRecord(result.data) ? result.data : rawConfig;
  checkPathFields(config, handler, at, context);
  return config;
}

const fieldsCache = new WeakMap<StepTypeHandler<any>, { codeFields: Set<string>; shape?: Set<string> }>();

/** A step type's code fields, and its schema's field names when the schema is an object. */
function handlerFields(handler: StepTypeHandler<any>): { codeFields: Set<string>; shape?: Set<string> } {
  let fields = fieldsCache.get(handler);
  if (!fields) {
    const shape = (handler.configSchema as { shape?: unknown } | undefined)?.shape;
    fields = {
      codeFields: new Set(handler.codeFields ?? []),
      shape: isRecord(shape) ? new Set(Object.keys(shape)) : undefined,
    };
    fieldsCache.set(handler, fields);
  }
  return fields;
}

/** Each path field must name an existing file inside the workflow's folder. */
function checkPathFields(
  config: Record<string, unknown>,
  handler: StepTypeHandler<any>,
  at: PathSegment[],
  context: StepValidationContext,
): void {
  for (const name of handler.pathFields ?? []) {
    const value = config[name];
    const paths: [string, PathSegment[]][] =
      typeof value === 'string'
        ? [[value, [...at, name]]]
        : Array.isArray(value)
          ? value.flatMap((entry, i): [string, PathSegment[]][] =>
              typeof entry === 'string' ? [[entry, [...at, name, i]]] : [],
            )
          : [];
    for (const [relative, where] of paths) {
      if (relative.includes('${')) continue; // resolved at run time
      const problem = checkPath(relative, name, context.rootDir);
      if (problem) context.issues.add(where, problem);
    }
  }
}

/**
 * Checks the path fields of a step's config after its references were resolved (at run time): each
 * must still name a file inside `rootDir`. Returns the first problem, or undefined.
 */
export function resolvedPathProblem(
  config: Readonly<Record<string, unknown>>,
  handler: Pick<StepTypeHandler<any>, 'pathFields'>,
  rootDir: string,
): string | undefined {
  for (const name of handler.pathFields ?? []) {
    const value = config[name];
    const paths = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    for (const entry of paths) {
      const problem = typeof entry === 'string' ? checkPath(entry, name, rootDir) : `${name} must be a path, got ${describeValue(entry)}`;
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * Why `folder` no longer lies inside `boundary` once links are followed (e.g. it was replaced by a
 * link to another place), or undefined when it does.
 */
export function folderOutside(folder: string, boundary: string): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync(folder);
    if (!isInside(fs.realpathSync(boundary), real)) {
      return `the workflow's folder ${folder} resolves to ${real}, outside ${boundary}; it must stay inside it`;
    }
  } catch (error) {
    return `the workflow's folder ${folder} cannot be resolved: ${(error as Error).message}`;
  }
  return undefined;
}

function checkPath(value: string, field: string, rootDir: string): string | undefined {
  const resolved = path.resolve(rootDir, value);
  if (!isInside(rootDir, resolved)) {
    return `${field} must stay inside the workflow's folder ${rootDir}: ${JSON.stringify(value)} resolves to ${resolved}`;
  }
  if (!fs.existsSync(resolved)) return `${field} not found: ${value} (resolved to ${resolved})`;
  if (!fs.statSync(resolved).isFile()) return `${field} is not a file: ${value} (resolved to ${resolved})`;
  try {
    const real = fs.realpathSync(resolved);
    const realRoot = fs.realpathSync(rootDir);
    if (!isInside(realRoot, real)) {
      return `${field} must stay inside the workflow's folder ${rootDir}: ${JSON.stringify(value)} is a link to ${real}`;
    }
  } catch {
    // exists but cannot be resolved: leave it to the run to report
  }
  return undefined;
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}
