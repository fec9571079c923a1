import { z } from 'zod';
import { WORKER_LABEL_PATTERN } from './worker-label';
import { hasControlCharacter } from './control-characters';
import { describeValue } from './describe-value';
import { parseDuration } from './duration';
import { MAX_PARALLEL_LIMIT } from './max-parallel';

export { DEFAULT_MAX_PARALLEL, MAX_PARALLEL_LIMIT } from './max-parallel';

/** Largest `limits.memoryMb` (1 TiB). */
export const MAX_MEMORY_MB = 1_048_576;
/** Largest `limits.cpuSeconds` (a week). */
export const MAX_CPU_SECONDS = 604_800;

/** Most `retries` a step may ask for. */
export const MAX_RETRIES = 10;
/** `retryDelay` when a step does not set it, in ms. */
export const DEFAULT_RETRY_DELAY_MS = 1000;

/** Step ids: a letter or `_`, then letters, digits, `_` and `-`. */
export const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Longest step id and workflow name: what every history database stores alike. */
export const MAX_NAME_LENGTH = 200;
/** Environment variable names. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A zod error option whose message says what was expected and what was found. */
function expected(what: string) {
  return { error: (issue: { input?: unknown }) => `${what}, got ${describeValue(issue.input)}` };
}

/** Like {@link expected}, for the container's own type only (key and value issues keep theirs). */
function expectedType(what: string) {
  return {
    error: (issue: { code?: string; input?: unknown }) =>
      issue.code === 'invalid_type' ? `${what}, got ${describeValue(issue.input)}` : undefined,
  };
}

/**
 * A zod issue as one message in Weft's words: a bad record key gives the key schema's message;
 * zod's own wording for a value out of bounds and for unknown keys (a schema without messages of
 * its own, such as a plugin's) becomes what was wrong and how to fix it. `schema` is the one the
 * issue's path starts from: for an unknown key of an object, the fields it takes are listed.
 */
export function issueMessage(issue: z.core.$ZodIssue, schema?: z.ZodType): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues[0].message;
  if (issue.code === 'unrecognized_keys' && /^Unrecognized keys?:/.test(issue.message)) {
    const fields = issue.path.length === 0 && schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const names = issue.keys.map((key) => `'${key}'`).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}${fields.length > 0 ? `; fields: ${fields.join(', ')}` : ''}`;
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && /^Too (small|big):/.test(issue.message)) {
    return boundMessage(issue);
  }
  return issue.message;
}

/** "must not be empty", "must be at least 3 characters long", "must have at most 10 items"… */
function boundMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const exact = issue.inclusive !== false;
  const got = (issue as { input?: unknown }).input;
  const was = got === undefined ? '' : `, got ${describeValue(got)}`;
  switch (issue.origin) {
    case 'string':
      if (small && bound === 1) return 'must not be empty';
      return `must be ${small ? 'at least' : 'at most'} ${bound} characters long${was}`;
    case 'array':
    case 'set':
      if (small && bound === 1) return `must not be empty${was}`;
      return `must have ${small ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}${was}`;
    default:
      return `must be ${exact ? (small ? 'at least' : 'at most') : small ? 'more than' : 'less than'} ${bound}${was}`;
  }
}

function intFrom(min: number, max: number) {
  const message = expected(`must be an integer from ${min} to ${max}`);
  return z.number(message).int(message).min(min, message).max(max, message);
}

const scalar = z.union(
  [z.string(), z.number(), z.boolean()],
  expected('expected a string, number or boolean'),
);

const envMap = z.record(
  z
    .string()
    .regex(
      ENV_NAME_PATTERN,
      expected('expected an environment variable name like REGION (letters, digits, _)'),
    ),
  scalar,
  expectedType('expected a mapping of variable names to values'),
);

const duration = z.unknown().transform((value, context) => {
  const ms = parseDuration(value);
  if (typeof ms === 'string') {
    context.addIssue({ code: 'custom', message: ms });
    return z.NEVER;
  }
  return ms;
});

/** A timeout: a duration of at least 1 ms (0 would end every attempt at once). */
const timeout = duration.transform((ms, context) => {
  if (ms < 1) {
    context.addIssue({ code: 'custom', message: 'a timeout must be at least 1 ms, got 0; leave timeout out for none' });
    return z.NEVER;
  }
  return ms;
});

/**
 * Schemas of the top-level fields of a workflow document, one per field so each is checked — and
 * each error reported — on its own. `pools` values are checked against `maxParallel` afterwards.
 */
export const workflowFields = {
  name: z
    .string(expected('expected a string'))
    .trim()
    .min(1, expected('expected a non-empty name'))
    .max(MAX_NAME_LENGTH, expected(`expected a name of at most ${MAX_NAME_LENGTH} characters`))
    .refine((name) => !hasControlCharacter(name), expected('expected a one-line name without control characters (tabs, line breaks, NUL…)')),
  maxParallel: intFrom(1, MAX_PARALLEL_LIMIT),
  pools: z.record(
    z.string().regex(STEP_ID_PATTERN, expected('expected a pool name (letters, digits, _ and -)')),
    intFrom(1, MAX_PARALLEL_LIMIT),
    expectedType('expected a mapping of pool names to limits, like { cpu: 2 }'),
  ),
  env: envMap.transform((env) =>
    Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)])),
  ),
  failFast: z.boolean(expected('expected true or false')),
  steps: z
    .array(z.unknown(), expected('expected a list of steps'))
    .min(1, expected('expected at least one step')),
} as const;

/** Schemas of the step fields every step type shares (`if` and `foreach` are checked by hand). */
export const stepFields = {
  id: z
    .string(expected('expected a step id'))
    .regex(
      STEP_ID_PATTERN,
      expected('expected a step id of letters, digits, _ and - that starts with a letter or _'),
    )
    .max(MAX_NAME_LENGTH, expected(`expected a step id of at most ${MAX_NAME_LENGTH} characters`)),
  type: z.string(expected('expected the name of a step type')),
  needs: z
    .union([z.string(), z.array(z.string())], expected('expected a step id or a list of step ids'))
    .transform((needs) => (typeof needs === 'string' ? [needs] : needs)),
  inputs: z.record(z.string(), z.unknown(), expectedType('expected a mapping of input names to values')),
  if: z.union(
    [z.string(), z.boolean()],
    expected('expected a condition such as "steps.check.outputs.ok == true"'),
  ),
  foreach: z.unknown(),
  timeout,
  retries: intFrom(0, MAX_RETRIES),
  retryDelay: duration,
  continueOnError: z.boolean(expected('expected true or false')),
  pool: z.string(expected('expected the name of a pool')),
  runsOn: z
    .string(expected('expected a worker label, like gpu'))
    .regex(WORKER_LABEL_PATTERN, expected("expected a worker label of letters, digits, '.', '_' and '-' (at most 64), like gpu")),
  env: envMap,
  limits: z.strictObject(
    {
      memoryMb: intFrom(16, MAX_MEMORY_MB).optional(),
      cpuSeconds: intFrom(1, MAX_CPU_SECONDS).optional(),
    },
    expectedType('expected a mapping like { memoryMb: 512, cpuSeconds: 60 }'),
  ),
} as const;

export type WorkflowField = keyof typeof workflowFields;
export type StepField = keyof typeof stepFields;
export const WORKFLOW_FIELD_NAMES = Object.keys(workflowFields) as WorkflowField[];
export const STEP_FIELD_NAMES = Object.keys(stepFields) as StepField[];
