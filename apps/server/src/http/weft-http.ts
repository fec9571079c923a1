import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, Optional, type CanActivate, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { WEFT_AUTH_GUARD } from '../auth/api-token.guard.js';
import { bodyParserError } from '../common/weft-exception.filter.js';
import { parseBodyLimit } from '../config/server-config.js';
import { logRecord } from '../logging/log-record.js';
import { canonicalPath, isApiPath, isUnder } from '../security/canonical-path.js';
import { JSON_TYPES, YAML_TYPES } from '../security/media-types.js';
import { createRequestPolicy, type RequestPolicy } from '../security/request-policy.js';
import { sameOriginMiddleware, type NodeMiddleware } from '../security/same-origin.middleware.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions, type WeftHttpOptions } from '../weft-options.js';

/** Injection token of the path Weft's routes are mounted at (`WeftModule.forRoot({ path })`), '' for the root. */
export const WEFT_PATH = Symbol('WEFT_PATH');

type Next = (error?: unknown) => void;
type Parser = (request: IncomingMessage, response: ServerResponse, next: Next) => void;
interface ExpressLike {
  use(handler: Parser): unknown;
  router?: { stack: unknown[] };
  json(options: object): Parser;
  text(options: object): Parser;
}

/**
 * What Weft's routes need from the HTTP layer, and only for them: the same-origin checks (Host,
 * Origin, token, content type) before anything reads a body, and body parsers with a size limit
 * (JSON with its raw text kept for line numbers, YAML as text for workflows). It is installed at
 * the front of the Express app when the module starts, ahead of the host's own parsers, and acts
 * only on paths under Weft's own (`<global prefix>/<path>`); the host's routes are left alone.
 */
@Injectable()
export class WeftHttp implements OnModuleInit {
  readonly #logger = new Logger('Security');
  #overrides: WeftHttpOptions & { apiToken?: string | null } = {};

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Inject(WEFT_PATH) private readonly path: string,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
    @Optional() @Inject(WEFT_AUTH_GUARD) private readonly hostGuard: CanActivate | null = null,
  ) {}

  /** Settings given to `configureWeftApp` (before the app starts) take the place of the module's. */
  configure(overrides: WeftHttpOptions & { apiToken?: string | null }): void {
    const merged = { ...this.#overrides, ...overrides };
    this.#settings(merged); // a bad setting throws here, where it was given
    this.#overrides = merged;
  }

  /** The canonical path of Weft's routes with the app's global prefix: `/api/weft`, or '' at the root. */
  basePath(): string {
    const base = canonicalPath(`/${this.config.getGlobalPrefix()}/${this.path}`);
    return base === '/' ? '' : base;
  }

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return; // an application context without HTTP
    if (adapter.getType() !== 'express') {
      throw new TypeError(`WeftModule needs @nestjs/platform-express; this app runs on '${adapter.getType()}'`);
    }
    const app = adapter.getInstance<ExpressLike>();
    const prelude = this.#prelude(nestExpress());
    app.use(prelude);
    const stack = app.router?.stack;
    if (stack && stack.length > 1) stack.unshift(stack.pop());
  }

  /** The policy and body limit of these settings; a TypeError names a bad one. */
  #settings(overrides: WeftHttpOptions & { apiToken?: string | null }): { policy: RequestPolicy; limit: number } {
    const http = { ...this.options.http, ...overrides };
    const apiToken = this.hostGuard ? null : overrides.apiToken !== undefined ? overrides.apiToken : this.options.apiToken;
    try {
      return {
        policy: createRequestPolicy({ allowedHosts: http.allowedHosts, corsOrigins: http.corsOrigins, apiToken, base: this.basePath() }),
        limit: parseBodyLimit(http.bodyLimit ?? '1mb', 'bodyLimit'),
      };
    } catch (error) {
      throw new TypeError((error as Error).message, { cause: error });
    }
  }

  #prelude(express: Pick<ExpressLike, 'json' | 'text'>): Parser {
    const { policy, limit } = this.#settings(this.#overrides);
    const base = policy.base;
    const checks: NodeMiddleware = sameOriginMiddleware(policy, (refused) => this.#logger.warn(logRecord('request refused', { ...refused })));
    const keepRaw = (request: IncomingMessage & { rawBody?: Buffer }, _response: unknown, buffer: Buffer) => {
      request.rawBody = buffer;
    };
    const json = express.json({ type: [...JSON_TYPES], limit, verify: keepRaw });
    const yaml = express.text({ type: [...YAML_TYPES], limit, verify: keepRaw });
    return (request, response, next) => {
      const path = canonicalPath(request.url ?? '/');
      if (!isUnder(path, base)) return next();
      response.removeHeader('X-Powered-By');
      checks(request, response, () => {
        if (!isApiPath(path, base)) return next();
        const answer = (error?: unknown) => (error ? sendParserError(response, error, next) : next());
        json(request, response, (error) => (error ? answer(error) : yaml(request, response, answer)));
      });
    };
  }
}

/** The `express` module that @nestjs/platform-express itself uses (its body parsers, its app). */
export function nestExpress<T = Pick<ExpressLike, 'json' | 'text'>>(): T {
  const fromNest = createRequire(createRequire(import.meta.url).resolve('@nestjs/platform-express'));
  return fromNest('express') as T;
}

function sendParserError(response: ServerResponse, error: unknown, next: Next): void {
  const body = bodyParserError(error);
  if (!body || response.headersSent) return next(error);
  const text = JSON.stringify(body);
  response.statusCode = body.statusCode;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}
