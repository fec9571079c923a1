import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerMatches } from './auth/api-token.guard.js';
import { TEXT_TYPES } from './workflows/workflows.controller.js';

/** Options of {@link configureWeftApp}. */
export interface ConfigureWeftAppOptions {
  /** Largest request body. @default '1mb' */
  readonly bodyLimit?: string;
  /** Same token as `WeftModule.forRoot({ apiToken })`: also guards the OpenAPI page. */
  readonly apiToken?: string | null;
  /** Serve the OpenAPI page at `/api/docs`. @default true */
  readonly docs?: boolean;
  /** Folder of the built dashboard, served at `/`. */
  readonly dashboardDir?: string | null;
}

/**
 * What a Weft app needs beyond its modules: body parsers with a size limit (JSON, and YAML or
 * plain text for workflows), the OpenAPI page, the dashboard, and shutdown hooks. Create the app
 * with `{ bodyParser: false, rawBody: true }` so JSON workflows keep their line numbers.
 */
export function configureWeftApp(app: INestApplication, options: ConfigureWeftAppOptions = {}): INestApplication {
  const express = app as NestExpressApplication;
  const limit = options.bodyLimit ?? '1mb';
  express.useBodyParser('json', { limit });
  express.useBodyParser('text', { type: TEXT_TYPES, limit });
  express.disable('x-powered-by');
  if (options.dashboardDir) express.useStaticAssets(options.dashboardDir, { index: 'index.html' });

  if (options.docs ?? true) {
    const token = options.apiToken;
    if (token) {
      express.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
        // /api/docs, /api/docs-json and /api/docs-yaml
        if (!(request.url ?? '').startsWith('/api/docs') || bearerMatches(request.headers.authorization, token)) return next();
        response.statusCode = 401;
        response.setHeader('WWW-Authenticate', 'Bearer');
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ statusCode: 401, error: 'Missing or wrong bearer token' }));
      });
    }
    const config = new DocumentBuilder()
      .setTitle('Weft')
      .setDescription('Run workflows of steps as a dependency graph: REST + Server-Sent Events.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
  }
  app.enableShutdownHooks();
  return app;
}
