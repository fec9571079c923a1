import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { loadPlugins, type StepTypeHandler } from '@weft/core';
import { builtinStepTypes } from '@weft/step-types';
import { AppModule } from './app.module.js';
import type { WeftModuleForRootOptions } from './weft.module.js';
import { configureWeftApp } from './configure-app.js';
import type { ServerConfig } from './config/server-config.js';
import { createPinoLogging } from './logging/index.js';
import { nestExpress } from './http/weft-http.js';

/** The settings {@link createWeftServer} reads; `allowedHosts`, `corsOrigins` and `plugins` default to none. */
export type WeftServerSettings = Pick<ServerConfig, 'logLevel' | 'bodyLimit' | 'dashboardDir'> &
  Partial<Pick<ServerConfig, 'allowedHosts' | 'corsOrigins' | 'plugins'>> & {
    /** The module's options; its `plugins` come before those of `plugins`. */
    readonly weft: WeftModuleForRootOptions;
  };

/**
 * Creates (but does not start) the standalone server app: used by `main.ts` and the e2e tests.
 * Loads the plugins named in `plugins` (`WEFT_PLUGINS`: package names or paths, from the working
 * directory) and logs JSON lines through pino.
 */
export async function createWeftServer(config: WeftServerSettings): Promise<NestExpressApplication> {
  const builtins = config.weft.builtinStepTypes === false ? [] : builtinStepTypes().map((type) => type.name);
  const plugins = await loadPlugins(config.plugins ?? [], process.cwd(), builtins);
  const logging = createPinoLogging({ level: config.logLevel });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, plugins.map((plugin) => ({ stepTypes: plugin.stepTypes as StepTypeHandler[] }))),
    new ExpressAdapter(caseSensitiveExpress()),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(logging.logger);
  app.use(logging.httpMiddleware);
  configureWeftApp(app, {
    bodyLimit: config.bodyLimit,
    apiToken: config.weft.apiToken,
    allowedHosts: config.allowedHosts,
    corsOrigins: config.corsOrigins,
  });
  return app;
}

/**
 * An Express app whose routes match case-sensitively, so `/API/docs` is not `/api/docs`. The
 * setting must be made before the app's router exists, which `new ExpressAdapter()` creates at once;
 * the app comes from the `express` that @nestjs/platform-express itself uses.
 */
function caseSensitiveExpress(): unknown {
  const instance = nestExpress<() => { set(setting: string, value: unknown): unknown }>()();
  instance.set('case sensitive routing', true);
  return instance;
}
