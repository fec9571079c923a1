import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** `GET /` when the dashboard is not built: says where things are. */
@ApiExcludeController()
@Controller()
export class DashboardFallbackController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Weft</title></head>
<body><h1>Weft</h1><p>The dashboard is not built yet (<code>apps/dashboard/dist</code>).</p>
<p>API: <a href="/api/docs">/api/docs</a> · <a href="/api/workflows">/api/workflows</a> · <a href="/api/runs">/api/runs</a></p></body></html>`;
  }
}
