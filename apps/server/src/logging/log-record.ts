import { inspect } from 'node:util';

/** The fields of a {@link LogRecord}: values that are `undefined` are left out of every output. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * One log message with structured fields, readable through any Nest logger:
 *
 * - pino (Weft's {@link PinoLogger}, or `nestjs-pino` in a host app) merges its own enumerable
 *   properties, `msg` and the fields, into the JSON line: `{"msg":"run started","runId":"…"}`;
 * - Nest's `ConsoleLogger` prints it on one line through `util.inspect`:
 *   `run started runId=3f0c… workflow="nightly report"` (see {@link LogRecord.toString});
 * - `ConsoleLogger({ json: true })` and `JSON.stringify` get `{ msg, ...fields }` from `toJSON()`.
 *
 * Errors in fields: the one-line text shows `name: message` only (a log line stays a line); the
 * structured outputs (pino, `toJSON()`) keep the whole error, stack and cause included. Prefer the
 * field name `err` for an error: pino serializes it with its standard error serializer.
 *
 * Make one with {@link logRecord}: `this.logger.warn(logRecord('run released', { runId, why }))`.
 */
export class LogRecord {
  declare readonly msg: string;
  readonly [field: string]: unknown;

  constructor(msg: string, fields: LogFields = {}) {
    // Own enumerable properties, `msg` first: what pino and Object.assign/spread see.
    Object.defineProperty(this, 'msg', { value: msg, enumerable: true });
    for (const [key, value] of Object.entries(fields)) {
      if (key === 'msg') continue;
      Object.defineProperty(this, key, { value, enumerable: true });
    }
  }

  /** `msg key=value …` on one line: see {@link formatLogLine}. */
  toString(): string {
    return formatLogLine(this.msg, logFields(this));
  }

  /** `{ msg, ...fields }`, errors as `{ type, message, stack, cause? }`; for JSON loggers. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { msg: this.msg };
    for (const [key, value] of Object.entries(logFields(this))) {
      if (value !== undefined) json[key] = value instanceof Error ? serializeError(value) : value;
    }
    return json;
  }

  /** What `util.inspect` (and with it Nest's ConsoleLogger) prints: the one line. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** The fields of `record` (every own enumerable property but `msg`), as a plain object. */
export function logFields(record: LogRecord): Record<string, unknown> {
  const { msg: _msg, ...fields } = { ...record };
  return fields;
}

/** A {@link LogRecord}: `logger.log(logRecord('step types registered', { stepTypes }))`. */
export function logRecord(msg: string, fields?: LogFields): LogRecord {
  return new LogRecord(msg, fields);
}

/**
 * `msg key=value key=value`, always one line: simple strings, numbers, booleans and null as they
 * are; other strings JSON-quoted (newlines and control characters escaped); arrays and objects as
 * JSON; errors as a quoted `name: message`; `undefined` values left out.
 */
export function formatLogLine(msg: string, fields: LogFields = {}): string {
  let line = msg;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    line += ` ${key}=${formatValue(value)}`;
  }
  return line;
}

const SIMPLE = /^[\w.:/@+#,-]+$/;

function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return SIMPLE.test(value) ? value : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Error) return JSON.stringify(errorText(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  try {
    const json = JSON.stringify(value, jsonReplacer());
    if (json !== undefined) return json;
  } catch {
    // A throwing toJSON: util.inspect below.
  }
  return inspect(value, { breakLength: Infinity, compact: true, depth: 4 });
}

/** JSON.stringify replacer: errors as their text, bigints as strings, circular references marked. */
function jsonReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown) {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return errorText(value);
    if (typeof value !== 'object' || value === null) return value;
    // `this` holds the value: every ancestor deeper than `this` belongs to a finished branch.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}

function errorText(error: Error): string {
  const text = String(error);
  return text === '[object Error]' || text === '' ? error.name || 'Error' : text;
}

/** An error as a plain object: `type`, `message`, `stack`, own primitive properties (`code`, …) and `cause`. */
export function serializeError(error: Error, depth = 0): Record<string, unknown> {
  const serialized: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (key in serialized || key === 'cause') continue;
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) serialized[key] = value;
  }
  if (error.cause !== undefined) {
    serialized.cause = error.cause instanceof Error ? (depth < 4 ? serializeError(error.cause, depth + 1) : errorText(error.cause)) : error.cause;
  }
  return serialized;
}
