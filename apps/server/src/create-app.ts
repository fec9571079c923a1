import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureWeftApp } from './configure-app.js';
import type { ServerConfig } from './config/server-config.js';

/** Creates (but does not start) the standalone server app: used by `main.ts` and the e2e tests. */
export async function createWeftServer(
  config: Pick<ServerConfig, 'weft' | 'logLevel' | 'bodyLimit' | 'dashboardDir'>,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureWeftApp(app, { bodyLimit: config.bodyLimit, apiToken: config.weft.apiToken, dashboardDir: config.dashboardDir });
  return app;
}
