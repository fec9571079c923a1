import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Controller, Get, Inject, Injectable, NotFoundException, Param, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ApiExcludeController, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { WeftExceptionFilter } from '../common/weft-exception.filter.js';
import { weftDocumentConfig } from '../openapi.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

/** Weft's modules with routes: the OpenAPI document covers these, and nothing of the host app. */
export const WEFT_API_MODULES = Symbol('WEFT_API_MODULES');

/** Swagger UI's own files the page loads (from swagger-ui-dist, as @nestjs/swagger ships it). */
const UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'swagger-ui-standalone-preset.js': 'text/javascript',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weft API</title><link rel="stylesheet" href="docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script><script src="docs/swagger-ui-standalone-preset.js"></script><script src="docs/init.js"></script>
</body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: new URL('docs-json', location.href).href, dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

interface DocsRequest {
  readonly originalUrl?: string;
}
interface DocsResponse {
  redirect(status: number, url: string): void;
  type(type: string): DocsResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
  sendFile(path: string, options: object): void;
}

/** Builds (once) the OpenAPI document of Weft's own routes in the running app. */
@Injectable()
export class WeftOpenApi {
  #document: OpenAPIObject | null = null;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
  ) {}

  /** The document: paths as the app serves them (global prefix and Weft's path included). */
  document(modules: readonly Type[]): OpenAPIObject {
    if (this.#document) return this.#document;
    // SwaggerModule reads an application; the parts it reads are these (the container is Nest's own).
    const container = (this.moduleRef as unknown as { container: unknown }).container;
    const app = { container, config: this.config, getHttpAdapter: () => this.adapterHost.httpAdapter };
    this.#document = SwaggerModule.createDocument(app as never, weftDocumentConfig(), {
      include: [...modules],
      // Operations name themselves (`@ApiOperation({ operationId })`); this is only the fallback.
      operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
    });
    return this.#document;
  }
}

/** Lists the modules the document covers; set by `WeftModule`. */
export class WeftApiModules {
  constructor(readonly modules: readonly Type[]) {}
}

/**
 * `<path>/api/docs-json` (the OpenAPI document of Weft's routes only) and `<path>/api/docs` (a
 * Swagger UI page for it), behind the same guard as the API.
 */
@ApiExcludeController()
@UseGuards(ApiTokenGuard)
@UseFilters(WeftExceptionFilter)
@Controller('api')
export class DocsController {
  readonly #uiDir = dirname(createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger')).resolve('swagger-ui-dist/package.json'));

  constructor(
    private readonly openApi: WeftOpenApi,
    private readonly modules: WeftApiModules,
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
  ) {}

  @Get('docs-json')
  json(): OpenAPIObject {
    this.#served();
    return this.openApi.document(this.modules.modules);
  }

  @Get('docs')
  page(@Req() request: DocsRequest, @Res() response: DocsResponse): void {
    this.#served();
    const url = new URL(request.originalUrl ?? '/', 'http://weft.invalid');
    if (url.pathname.endsWith('/')) return response.redirect(301, `${url.pathname.replace(/\/+$/, '')}${url.search}`);
    response.type('html').send(PAGE);
  }

  @Get('docs/:file')
  file(@Param('file') file: string, @Res() response: DocsResponse): void {
    this.#served();
    if (file === 'init.js') return response.type('text/javascript').send(INIT);
    const type = UI_FILES[file];
    if (!type) throw new NotFoundException({ statusCode: 404, error: `No such file of the API page: ${file}` });
    response.setHeader('Cache-Control', 'public, max-age=86400');
    response.type(type).sendFile(file, { root: this.#uiDir });
  }

  /** With `docs: false` the routes answer 404, as if they were not there. */
  #served(): void {
    if (!this.options.docs) throw new NotFoundException({ statusCode: 404, error: 'The API documentation is turned off on this server (docs: false)' });
  }
}
