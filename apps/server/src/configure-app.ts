import { Logger, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { WeftExceptionFilter } from './common/weft-exception.filter.js';
import { createWeftOpenApiDocument } from './openapi.js';
import { parseBodyLimit } from './config/server-config.js';
import { JSON_TYPES, YAML_TYPES } from './security/media-types.js';
import { createRequestPolicy } from './security/request-policy.js';
import { sameOriginMiddleware } from './security/same-origin.middleware.js';

/** Options of {@link configureWeftApp}. */
export interface ConfigureWeftAppOptions {
  /** Largest request body: bytes, or a size such as `512kb`, `1mb`, `1MiB` (1 KiB to 1 GiB). @default '1mb' */
  readonly bodyLimit?: number | string;
  /**
   * Same token as `WeftModule.forRoot({ apiToken })`: every request whose canonical path (decoded,
   * lower-cased, slashes and dot segments resolved) is under `/api` needs it, the OpenAPI page included.
   */
  readonly apiToken?: string | null;
  /**
   * Host names answered besides `localhost`, `*.localhost` and IP literals; `.example.com` also
   * covers its subdomains. Other `Host` headers get 421 (DNS rebinding). @default []
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Origins (`https://app.example.com`) that may call the API from another origin, with CORS;
   * `'*'` only with `apiToken`. State-changing requests from other origins get 403. @default []
   */
  readonly corsOrigins?: readonly string[];
  /** Serve the OpenAPI page at `/api/docs`. @default true */
  readonly docs?: boolean;
  /** Folder of the built dashboard, served at `/`. */
  readonly dashboardDir?: string | null;
  /**
   * Answer every error of the app as `{ statusCode, error, details? }` (a global exception filter:
   * also the body parsers' errors and the 404 of unknown routes). Pass `false` to keep your own.
   * @default true
   */
  readonly errorFilter?: boolean;
}

/**
 * What a Weft app needs beyond its modules: the same-origin checks (Host, Origin, token, content
 * type; see `security/request-policy.ts`) before anything reads a body, body parsers with a size
 * limit (JSON, and YAML for workflows), the OpenAPI page, the dashboard, and shutdown hooks. Create
 * the app with `{ bodyParser: false, rawBody: true }` so JSON workflows keep their line numbers.
 * Throws a TypeError naming a bad option.
 */
export function configureWeftApp(app: INestApplication, options: ConfigureWeftAppOptions = {}): INestApplication {
  const express = app as NestExpressApplication;
  const limit = bodyLimitOf(options.bodyLimit ?? '1mb');
  const policy = createRequestPolicy({ allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins, apiToken: options.apiToken });
  const security = new Logger('Security');
  express.use(sameOriginMiddleware(policy, (refused) => security.warn({ msg: 'request refused', ...refused })));
  express.useBodyParser('json', { type: [...JSON_TYPES], limit });
  express.useBodyParser('text', { type: [...YAML_TYPES], limit });
  express.disable('x-powered-by');
  if (options.errorFilter ?? true) app.useGlobalFilters(new WeftExceptionFilter(app.getHttpAdapter()));
  if (options.dashboardDir) express.useStaticAssets(options.dashboardDir, { index: 'index.html' });

  if (options.docs ?? true) {
    SwaggerModule.setup('api/docs', app, () => createWeftOpenApiDocument(app));
  }
  app.enableShutdownHooks();
  return app;
}

function bodyLimitOf(value: number | string): number {
  try {
    return parseBodyLimit(value, 'bodyLimit');
  } catch (error) {
    throw new TypeError((error as Error).message, { cause: error });
  }
}
