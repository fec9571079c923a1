import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject, Module, NotFoundException, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WeftExceptionFilter } from '../common/weft-exception.filter.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

interface PageRequest {
  readonly originalUrl?: string;
  readonly url?: string;
}
interface PageResponse {
  redirect(status: number, url: string): void;
  type(type: string): PageResponse;
  status(code: number): PageResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
  sendFile(path: string, options: object, done: (error?: Error) => void): void;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The dashboard's `index.html` with its config (`<meta name="weft-config">`) filled in. */
export function dashboardPage(html: string, config: { authHeader: string; authScheme: string | null }): string {
  const meta = `<meta name="weft-config" content="${escapeHtml(JSON.stringify(config))}">`;
  const tag = /<meta\s+name="weft-config"[^>]*>/i;
  return tag.test(html) ? html.replace(tag, meta) : html.replace(/<\/head>/i, `${meta}</head>`);
}

/** The page served when the dashboard is not built: where things are, with relative links. */
const FALLBACK_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Weft</title></head>
<body><h1>Weft</h1><p>The dashboard is not built here (build it with <code>npm run build</code>, or set <code>dashboard.dir</code>).</p>
<p>API: <a href="api/docs">api/docs</a> · <a href="api/workflows">api/workflows</a> · <a href="api/runs">api/runs</a></p></body></html>`;

/**
 * The dashboard at Weft's path: `<path>/` (the page, with its config) and `<path>/assets/…`. All
 * its URLs are relative, so it follows the path and the app's global prefix; `<path>` without the
 * slash is redirected to it. Not guarded: the page holds no data, and the API it calls is.
 */
@ApiExcludeController()
@UseFilters(WeftExceptionFilter)
@Controller()
export class DashboardController {
  #page: string | null = null;

  constructor(@Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions) {}

  @Get()
  index(@Req() request: PageRequest, @Res() response: PageResponse): void {
    if (!this.options.dashboard) throw new NotFoundException({ statusCode: 404, error: 'The dashboard is turned off on this server (dashboard: false)' });
    const url = new URL(request.originalUrl ?? request.url ?? '/', 'http://weft.invalid');
    if (!url.pathname.endsWith('/')) return response.redirect(301, `${url.pathname}/${url.search}`);
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(this.#html());
  }

  @Get('assets/*path')
  asset(@Param('path') path: string[] | string, @Res() response: PageResponse): void {
    const dir = this.#dir();
    const file = Array.isArray(path) ? path.join('/') : path;
    if (!dir) throw new NotFoundException({ statusCode: 404, error: 'The dashboard is not built' });
    response.sendFile(`assets/${file}`, { root: dir, dotfiles: 'deny', maxAge: '1y', immutable: true }, (error) => {
      if (error) response.status(404).type('json').send(JSON.stringify({ statusCode: 404, error: `No dashboard file assets/${file}` }));
    });
  }

  #dir(): string | null {
    return this.options.dashboard ? this.options.dashboard.dir : null;
  }

  #html(): string {
    if (this.#page !== null) return this.#page;
    const dir = this.#dir();
    const index = dir ? join(dir, 'index.html') : null;
    if (!index || !existsSync(index) || !this.options.dashboard) return FALLBACK_PAGE;
    const { authHeader, authScheme } = this.options.dashboard;
    this.#page = dashboardPage(readFileSync(index, 'utf8'), { authHeader, authScheme });
    return this.#page;
  }
}

/** The dashboard's routes. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
