import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger as Pino } from 'pino';
import { logFields, LogRecord, serializeError } from './log-record.js';

/** Nest's log levels → pino's. */
export const PINO_LEVELS: Readonly<Record<LogLevel, Level>> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Options of {@link PinoLogger}. */
export interface PinoLoggerOptions {
  /**
   * The logger of the current request, if any (the pino-http child with the request's bindings),
   * used in place of the root logger: see `createPinoLogging`.
   */
  readonly current?: () => Pino | undefined;
  /** Context when a call names none. */
  readonly context?: string;
}

/**
 * A Nest `LoggerService` over pino: `app.useLogger(new PinoLogger(pino()))`. Calls follow Nest's
 * convention, `(message, ...optionalParams, context?)`:
 *
 * - the last parameter, when a string, is the context → field `context`;
 * - a {@link LogRecord} or plain object (as the message or a parameter) is merged as fields, its
 *   `msg` becoming the message; an `Error` becomes the field `err` (with its stack);
 * - `error(message, stack, context)` (Nest's own exception handlers) becomes `err: { message, stack }`;
 * - other parameters are appended to the message, separated by spaces;
 * - errors in other fields are serialized (`type`, `message`, `stack`) instead of becoming `{}`.
 *
 * Levels: verbose → trace, log → info, debug, warn, error, fatal.
 */
export class PinoLogger implements LoggerService {
  readonly #current: () => Pino | undefined;
  readonly #context: string | undefined;

  constructor(
    /** The root logger (logs made outside a request). */
    readonly pino: Pino,
    options: PinoLoggerOptions = {},
  ) {
    this.#current = options.current ?? (() => undefined);
    this.#context = options.context;
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.#write('fatal', message, optionalParams);
  }

  /**
   * Nest's `app.useLogger(['warn', 'error'])` / `NestFactory.create(…, { logger: [...] })`: pino
   * has a threshold, not a set, so the most verbose level named wins (none: silent).
   */
  setLogLevels(levels: LogLevel[]): void {
    const order: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    const lowest = order.find((level) => levels.includes(level));
    this.pino.level = lowest ? PINO_LEVELS[lowest] : 'silent';
  }

  #write(level: Level, message: unknown, optionalParams: readonly unknown[]): void {
    const target = this.#current() ?? this.pino;
    if (!target.isLevelEnabled(level)) return;
    const { context, params, stack } = splitParams(level, optionalParams);
    const fields: Record<string, unknown> = {};
    const texts: string[] = [];
    let msg: string | undefined;

    const take = (value: unknown, isMessage: boolean): void => {
      if (value === undefined) return;
      if (typeof value === 'function' && isMessage && !String(value).startsWith('class ')) {
        take((value as () => unknown)(), true); // Nest's lazy message
      } else if (value instanceof LogRecord) {
        if (msg === undefined) msg = value.msg;
        else texts.push(value.msg);
        Object.assign(fields, logFields(value));
      } else if (value instanceof Error) {
        if (fields.err === undefined) fields.err = value;
        if (msg === undefined) msg = value.message;
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const { msg: text, ...rest } = value as Record<string, unknown>;
        if (typeof text === 'string') {
          if (msg === undefined) msg = text;
          else texts.push(text);
        } else if (text !== undefined) {
          rest.msg = text;
        }
        Object.assign(fields, rest);
      } else if (isMessage && typeof value === 'string') {
        msg = value;
      } else {
        texts.push(typeof value === 'string' ? value : typeof value === 'function' ? value.name : JSON.stringify(value) ?? String(value));
      }
    };
    take(message, true);
    for (const param of params) take(param, false);

    if (stack !== undefined && fields.err === undefined) {
      const error = new Error(msg ?? texts[0] ?? 'error');
      error.stack = stack;
      fields.err = error;
    }
    for (const [key, value] of Object.entries(fields)) {
      if (key !== 'err' && value instanceof Error) fields[key] = serializeError(value);
    }
    const text = [msg, ...texts].filter((part) => part !== undefined && part !== '').join(' ');
    const record = { context: context ?? this.#context, ...fields };
    if (record.context === undefined) delete record.context;
    target[level](record, text);
  }
}

/** `[...params, context?]` → params, context and, for error levels, Nest's `stack` parameter. */
function splitParams(level: Level, optionalParams: readonly unknown[]): { params: unknown[]; context?: string; stack?: string } {
  const params = [...optionalParams];
  const errorLevel = level === 'error' || level === 'fatal';
  // ConsoleLogger's rule: error(message, stack) with a stack-shaped second argument has no context.
  if (errorLevel && params.length === 1 && isStack(params[0])) return { params: [], stack: params[0] as string };
  let context: string | undefined;
  if (params.length > 0 && typeof params[params.length - 1] === 'string') context = params.pop() as string;
  let stack: string | undefined;
  if (errorLevel && params.length > 0) {
    const last = params[params.length - 1];
    if (isStack(last)) stack = params.pop() as string;
    else if (last === undefined) params.pop(); // Logger#error(message) with a context sends (message, undefined, context)
  }
  return { params, context, stack };
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && /\n[ \t]+at .+/.test(value);
}
