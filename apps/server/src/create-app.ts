import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureWeftApp } from './configure-app.js';
import type { ServerConfig } from './config/server-config.js';

/** The settings {@link createWeftServer} reads; `allowedHosts` and `corsOrigins` default to none. */
export type WeftServerSettings = Pick<ServerConfig, 'weft' | 'logLevel' | 'bodyLimit' | 'dashboardDir'> &
  Partial<Pick<ServerConfig, 'allowedHosts' | 'corsOrigins'>>;

/** Creates (but does not start) the standalone server app: used by `main.ts` and the e2e tests. */
export async function createWeftServer(config: WeftServerSettings): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), new ExpressAdapter(caseSensitiveExpress()), {
    bodyParser: false,
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureWeftApp(app, {
    bodyLimit: config.bodyLimit,
    apiToken: config.weft.apiToken,
    dashboardDir: config.dashboardDir,
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
  const fromNest = createRequire(createRequire(import.meta.url).resolve('@nestjs/platform-express'));
  const express = fromNest('express') as () => { set(setting: string, value: unknown): unknown };
  const instance = express();
  instance.set('case sensitive routing', true);
  return instance;
}
