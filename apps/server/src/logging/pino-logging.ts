import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, Level, LevelWithSilent, Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { PinoLogger } from './pino-logger.js';

/** Options of {@link createPinoLogging}. */
export interface PinoLoggingOptions {
  /**
   * pino's level (`trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`); Nest's names
   * `verbose` and `log` are accepted too. Throws a TypeError naming anything else. @default 'info'
   */
  readonly level?: string;
  /** Where the JSON lines go. @default standard output */
  readonly destination?: DestinationStream;
  /**
   * Request headers (lower-case) whose values the request logs replace with `[Redacted]`, besides
   * `authorization` and `cookie` (always); e.g. a host's `x-api-key`. `set-cookie` of responses is
   * always redacted.
   */
  readonly redactHeaders?: readonly string[];
}

/** Express's `next`. */
type Next = (error?: unknown) => void;

/** What {@link createPinoLogging} returns. */
export interface PinoLogging {
  /** The Nest logger: `app.useLogger(logger)`. Inside a request it logs through the request's logger. */
  readonly logger: PinoLogger;
  /**
   * Request logging (pino-http), as Express middleware: `app.use(httpMiddleware)`. Logs each
   * request when it completes (`request completed` / `request errored`, with `req`, `res`,
   * `responseTime` and, for `/api/runs/<uuid>…`, `runId`), except `…/api/health`; and runs the
   * rest of the request with its logger, so the logs made while handling it carry `req`.
   */
  readonly httpMiddleware: (request: IncomingMessage, response: ServerResponse, next: Next) => void;
  /** The root pino logger. */
  readonly pino: Pino;
}

const LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const NEST_LEVELS: Readonly<Record<string, Level>> = { verbose: 'trace', log: 'info' };

/** The pino level for `level` (pino's names, or Nest's `verbose` and `log`). */
export function pinoLevel(level: string): LevelWithSilent {
  const name = level.trim().toLowerCase();
  const mapped = NEST_LEVELS[name] ?? name;
  if (!LEVELS.includes(mapped)) throw new TypeError(`Unknown log level '${level}': use one of ${[...LEVELS, 'verbose', 'log'].join(', ')}`);
  return mapped as LevelWithSilent;
}

/**
 * Weft's pino logging for a Nest app without `nestjs-pino`: one pino logger behind both the Nest
 * logger and pino-http's request logs (authorization and cookie headers redacted).
 *
 * ```ts
 * const { logger, httpMiddleware } = createPinoLogging({ level: config.logLevel });
 * const app = await NestFactory.create(AppModule, adapter, { bufferLogs: true });
 * app.useLogger(logger);
 * app.use(httpMiddleware);
 * ```
 */
export function createPinoLogging(options: PinoLoggingOptions = {}): PinoLogging {
  const level = pinoLevel(options.level ?? 'info');
  const headers = ['authorization', 'cookie', ...(options.redactHeaders ?? []).map((name) => name.toLowerCase())];
  const redact = [...new Set(headers)].map((name) => `req.headers[${JSON.stringify(name)}]`);
  redact.push('res.headers["set-cookie"]');
  const http = pinoHttp<IncomingMessage, ServerResponse>(
    {
      level,
      redact,
      customProps: (request) => {
        const match = /\/api\/runs\/([0-9a-f-]{36})/.exec(urlOf(request));
        return match ? { runId: match[1] } : {};
      },
      autoLogging: { ignore: (request) => /(^|\/)api\/health\/?$/.test(urlOf(request).split('?')[0]) },
    },
    options.destination,
  );
  const root = http.logger;
  const requests = new AsyncLocalStorage<Pino>();
  const logger = new PinoLogger(root, { current: () => requests.getStore() });
  const httpMiddleware = (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    http(request, response, () => {
      const log = request.allLogs?.[request.allLogs.length - 1] ?? request.log;
      requests.run(log, next);
    });
  };
  return { logger, httpMiddleware, pino: root };
}

/** The URL as the client sent it (Express's `originalUrl` when mounted under a path). */
function urlOf(request: IncomingMessage): string {
  return (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '';
}
