import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import {
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  Post,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z, type StepTypeHandler } from '@weft/core';
import { HistoryStore } from '@weft/history';
import request from 'supertest';
import { RunsService } from '../src/runs/runs.service.js';
import { StepTypesLoader } from '../src/step-types/step-types.loader.js';
import { WeftModule } from '../src/weft.module.js';
import { WorkflowsService } from '../src/workflows/workflows.service.js';
import { tempDir } from './e2e-helpers.js';

/** Stands for the host's ConfigService: Weft's options come from it through forRootAsync. */
@Injectable()
class HostConfig {
  readonly values: Record<string, string> = { HOST_KEY: 'k-123', WEFT_DB: 'sqlite::memory:' };
  getOrThrow(key: string): string {
    const value = this.values[key];
    if (value === undefined) throw new Error(`missing ${key}`);
    return value;
  }
}

@Module({ providers: [HostConfig], exports: [HostConfig] })
class HostConfigModule {}

/** The host's own auth: an `X-Host-Key` header, checked against its config. */
@Injectable()
class HostKeyGuard implements CanActivate {
  constructor(private readonly config: HostConfig) {}
  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-host-key'];
    if (key === this.config.getOrThrow('HOST_KEY')) return true;
    throw new UnauthorizedException({ statusCode: 401, error: 'send X-Host-Key' });
  }
}

/** A plugin of the entry shape: `upper` outputs its text in capitals, in-process. */
const upper: StepTypeHandler<{ text: string }> = {
  name: 'upper',
  description: 'Capitals (test fixture)',
  configSchema: z.strictObject({ text: z.string() }),
  async run(context) {
    await new Promise((done) => setTimeout(done, 300));
    return { ok: true, outputs: { text: context.config.text.toUpperCase() } };
  },
};

/** The host's own routes: one at the same path as Weft's health check, one that starts runs through Weft's services. */
@Controller('api')
class HostController {
  constructor(
    private readonly runs: RunsService,
    private readonly workflows: WorkflowsService,
    private readonly history: HistoryStore,
    private readonly stepTypes: StepTypesLoader,
  ) {}

  @Get('health')
  health() {
    return { host: 'ok' };
  }

  @Post('launch')
  async launch(@Body() body: { text: string }) {
    const created = await this.workflows.create(
      JSON.stringify({ name: 'launched', steps: [{ id: 'up', type: 'upper', text: body.text }] }),
      'json',
    );
    const { runId } = await this.runs.start(created.id);
    return { runId, types: this.stepTypes.registry.names(), store: this.history instanceof HistoryStore };
  }
}

describe('WeftModule inside a host app', () => {
  let app: INestApplication;
  let http: Server;
  const ws = tempDir();
  const dashboard = join(ws.path, 'dashboard');

  beforeAll(async () => {
    mkdirSync(join(dashboard, 'assets'), { recursive: true });
    writeFileSync(join(dashboard, 'index.html'), '<!doctype html><html><head><meta name="weft-config" content="{}"><title>d</title></head><body></body></html>');
    writeFileSync(join(dashboard, 'assets', 'app.js'), 'console.log("dashboard")');

    @Module({
      imports: [
        WeftModule.forRootAsync({
          imports: [HostConfigModule],
          inject: [HostConfig],
          useFactory: (config: HostConfig) => ({
            database: { url: config.getOrThrow('WEFT_DB') },
            workspace: ws.path,
            dashboard: { dir: dashboard, authHeader: 'X-Host-Key', authScheme: null },
          }),
          path: 'weft',
          guard: HostKeyGuard,
          plugins: [{ stepTypes: [upper] }],
        }),
      ],
      controllers: [HostController],
    })
    class HostModule {}

    // A host as Nest makes it by default: its own JSON body parser, a global prefix.
    app = await NestFactory.create(HostModule, { logger: false });
    app.setGlobalPrefix('v1');
    await app.init();
    http = app.getHttpServer() as Server;
  });

  afterAll(async () => {
    await app?.close();
    ws.dispose();
  });

  const weft = (method: 'get' | 'post', path: string) => request(http)[method](`/v1/weft${path}`).set('X-Host-Key', 'k-123');

  it("mounts Weft's routes under the prefix, behind the host's guard, next to the host's own", async () => {
    expect((await request(http).get('/v1/api/health').expect(200)).body).toEqual({ host: 'ok' });
    const refused = await request(http).get('/v1/weft/api/step-types').expect(401);
    expect(refused.body).toEqual({ statusCode: 401, error: 'send X-Host-Key' });
    const { body: types } = await weft('get', '/api/step-types').expect(200);
    expect(types.map((type: { name: string }) => type.name)).toEqual(['node', 'python', 'shell', 'upper']);
    expect((await weft('get', '/api/health').expect(200)).body).toMatchObject({ status: 'ok' });
  });

  it("reads JSON workflows itself, with line numbers, though the host's parser comes first", async () => {
    const text = '{\n  "steps": [\n    { "id": "a", "type": "upper", "text": 5 }\n  ]\n}';
    const { body } = await weft('post', '/api/workflows').set('Content-Type', 'application/json').send(text).expect(400);
    expect(body.details[0]).toMatchObject({ path: 'steps[0].text', line: 3 });
    const malformed = await weft('post', '/api/workflows').set('Content-Type', 'application/json').send('{"steps": [').expect(400);
    expect(malformed.body.error).toMatch(/not valid JSON/);
  });

  it("runs a workflow that mixes the plugin's steps with shell steps in parallel", async () => {
    const yaml = [
      'name: mixed',
      'steps:',
      '  - { id: a, type: upper, text: hello }',
      '  - { id: b, type: upper, text: world }',
      '  - { id: s, type: shell, run: "sleep 0.3; echo shell" }',
      '  - id: join',
      '    type: shell',
      '    inputs: { a: "${steps.a.outputs.text}", b: "${steps.b.outputs.text}" }',
      '    run: echo "$INPUT_A $INPUT_B"',
      '    needs: [s]',
    ].join('\n');
    const { body: created } = await weft('post', '/api/workflows').set('Content-Type', 'application/yaml').send(yaml).expect(201);
    const { body: started } = await weft('post', `/api/workflows/${created.id}/runs`).set('Content-Type', 'application/json').send({}).expect(202);
    const report = await until(async () => {
      const { body } = await weft('get', `/api/runs/${started.runId}`).expect(200);
      return body.status === 'running' ? null : body;
    });
    expect(report.status).toBe('succeeded');
    expect(report.peakParallelism).toBeGreaterThanOrEqual(3);
    expect((await weft('get', `/api/runs/${started.runId}/steps/join/logs`).expect(200)).text).toContain('HELLO WORLD');
  });

  it("lets the host's own routes use Weft's services", async () => {
    const { body } = await request(http).post('/v1/api/launch').send({ text: 'from host' }).expect(201);
    expect(body).toMatchObject({ store: true, types: ['node', 'python', 'shell', 'upper'] });
    const report = await until(async () => {
      const { body: run } = await weft('get', `/api/runs/${body.runId}`).expect(200);
      return run.status === 'running' ? null : run;
    });
    expect(report.steps.up.outputs).toEqual({ text: 'FROM HOST' });
  });

  it("publishes an OpenAPI document of Weft's routes only, under the prefix and the guard", async () => {
    await request(http).get('/v1/weft/api/docs-json').expect(401);
    const { body } = await weft('get', '/api/docs-json').expect(200);
    const paths = Object.keys(body.paths);
    expect(paths).toContain('/v1/weft/api/runs/{runId}');
    expect(paths.every((path) => path.startsWith('/v1/weft/api/'))).toBe(true);
    expect((await weft('get', '/api/docs').expect(200)).text).toContain('docs/swagger-ui-bundle.js');
    expect((await weft('get', '/api/docs/swagger-ui.css').expect(200)).headers['content-type']).toMatch(/css/);
  });

  it('serves the dashboard under the prefix, telling it which header the host wants', async () => {
    const redirect = await request(http).get('/v1/weft').expect(301);
    expect(redirect.headers.location).toBe('/v1/weft/');
    const page = await request(http).get('/v1/weft/').expect(200);
    expect(page.text).toContain('<meta name="weft-config" content="{&#34;authHeader&#34;:&#34;X-Host-Key&#34;,&#34;authScheme&#34;:null}">');
    expect((await request(http).get('/v1/weft/assets/app.js').expect(200)).text).toContain('dashboard');
    await request(http).get('/v1/weft/assets/missing.js').expect(404);
  });

  it("checks Host and Origin on Weft's routes only", async () => {
    await weft('get', '/api/step-types').set('Host', 'evil.example').expect(421);
    await request(http).get('/v1/api/health').set('Host', 'evil.example').expect(200);
    await weft('post', '/api/workflows').set('Origin', 'https://evil.example').set('Content-Type', 'application/yaml').send('steps: []').expect(403);
    await weft('post', '/api/workflows').set('Content-Type', 'text/plain').send('steps: []').expect(415);
  });
});

async function until<T>(read: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 50));
  }
}
