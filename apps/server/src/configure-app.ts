import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WeftExceptionFilter } from './common/weft-exception.filter.js';
import { WeftHttp } from './http/weft-http.js';

/** Options of {@link configureWeftApp}. */
export interface ConfigureWeftAppOptions {
  /** Largest request body of Weft's routes: bytes, or a size such as `512kb`, `1mb`, `1MiB` (1 KiB to 1 GiB). @default the module's `http.bodyLimit`, '1mb' */
  readonly bodyLimit?: number | string;
  /** Same token as `WeftModule.forRoot({ apiToken })`, which it replaces when given. */
  readonly apiToken?: string | null;
  /** Host names answered besides `localhost`, `*.localhost` and IP literals. @default the module's `http.allowedHosts` */
  readonly allowedHosts?: readonly string[];
  /** Origins that may call the API from another origin, with CORS. @default the module's `http.corsOrigins` */
  readonly corsOrigins?: readonly string[];
  /**
   * Answer every error of the whole app as `{ statusCode, error, details? }` (a global exception
   * filter: also the 404 of unknown routes). Weft's own routes answer so anyway. @default true
   */
  readonly errorFilter?: boolean;
}

/**
 * What a standalone Weft server adds to the module: one error shape for the whole app, shutdown
 * hooks (runs record their end when the process is stopped), and HTTP settings that take the place
 * of the module's `http` options. Call it before `app.init()`/`app.listen()`. Hosts embedding
 * `WeftModule` need not call it. Throws a TypeError naming a bad option (at start-up).
 */
export function configureWeftApp(app: INestApplication, options: ConfigureWeftAppOptions = {}): INestApplication {
  const overrides = Object.fromEntries(
    Object.entries({ bodyLimit: options.bodyLimit, apiToken: options.apiToken, allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  app.get(WeftHttp).configure(overrides);
  (app.getHttpAdapter().getInstance() as { disable?(setting: string): unknown }).disable?.('x-powered-by');
  if (options.errorFilter ?? true) app.useGlobalFilters(new WeftExceptionFilter(app.get(HttpAdapterHost)));
  app.enableShutdownHooks();
  return app;
}
