import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT, buildServer, startServerProcess, type ServerProcess } from './server-process.js';

/**
 * The OpenAPI document can type a client. Against the real server (with a token):
 * fetch /api/docs-json, lint it with Redocly, generate types with openapi-typescript, compile
 * openapi-client/weft-client.ts (openapi-fetch, every operation, no casts) with `tsc --strict`,
 * and run it against the same server.
 */

const CLIENT_SOURCE = join(REPO_ROOT, 'apps/server/test/openapi-client/weft-client.ts');
const REDOCLY_CONFIG = join(REPO_ROOT, 'apps/server/redocly.yaml');
const bin = (path: string) => join(REPO_ROOT, 'node_modules', path);
const TOKEN = 'openapi-client-test-token-0123456789';

const OPERATIONS = [
  'getHealth',
  'listStepTypes',
  'listWorkers',
  'createWorkflow',
  'listWorkflows',
  'getWorkflow',
  'startRun',
  'listRuns',
  'getRun',
  'streamRunEvents',
  'getStepLog',
  'cancelRun',
  'retryRun',
];

/** Type assertions (`as`, `<T>`, `!`), `any` and `@ts-` comments in a TypeScript file, as "line: text". */
function castsIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node) => found.push(`${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`);
  const visit = (node: ts.Node) => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node) || node.kind === ts.SyntaxKind.AnyKeyword) {
      report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  text.split('\n').forEach((line, index) => {
    if (line.includes('@ts-')) found.push(`${index + 1}: ${line.trim()}`);
  });
  return found;
}

interface Exit {
  readonly code: number | null;
  readonly output: string;
}

/** Runs `node …args` without the test's NODE_OPTIONS; resolves with its exit code and output. */
function node(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Exit> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the OpenAPI document types a client', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  let base: string;

  beforeAll(async () => {
    buildServer();
    dir = mkdtempSync(join(tmpdir(), 'weft-openapi-client-'));
    for (const sub of ['workspace', 'examples', 'client']) mkdirSync(join(dir, sub));
    server = await startServerProcess({
      databaseFile: join(dir, 'weft.sqlite'),
      workspace: join(dir, 'workspace'),
      examplesDir: join(dir, 'examples'),
      env: { WEFT_API_TOKEN: TOKEN },
    });
    base = `http://127.0.0.1:${server.port}`;
  }, 120_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a document that lints clean, and a strictly typed client uses every operation against the server', async () => {
    const anonymous = await fetch(`${base}/api/docs-json`);
    expect(anonymous.status).toBe(401);
    const response = await fetch(`${base}/api/docs-json`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    const documentPath = join(dir, 'openapi.json');
    writeFileSync(documentPath, text);

    // What the issue found wrong, checked on the document itself.
    const document = JSON.parse(text);
    expect(document.openapi).toMatch(/^3\.0\.\d+$/);
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.info.license).toEqual(expect.objectContaining({ name: 'MIT' }));
    expect(document.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(document.components.securitySchemes.bearer.bearerFormat).toBeUndefined();
    const operations = Object.values(document.paths).flatMap((item: any) => Object.values(item).map((operation: any) => operation.operationId));
    expect(operations.sort()).toEqual([...OPERATIONS].sort());
    const create = document.paths['/api/workflows'].post;
    expect(create.requestBody.content['application/json'].schema.type).toBe('object');
    expect(create.requestBody.content['application/yaml'].schema).toEqual(expect.objectContaining({ type: 'string' }));
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '413', '415', '421']);
    expect(Object.keys(document.paths['/api/runs/{runId}/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(document.paths['/api/runs'].get.responses['200'].headers).toHaveProperty('X-Next-Cursor');

    // Redocly's recommended rules (apps/server/redocly.yaml): no errors, no warnings.
    const lint = await node([bin('@redocly/cli/bin/cli.js'), 'lint', documentPath, '--config', REDOCLY_CONFIG, '--format', 'stylish'], {
      env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect({ code: lint.code, output: lint.output }).toEqual({ code: 0, output: expect.stringContaining('Your API description is valid') });
    expect(lint.output).not.toMatch(/^\s*\d+:\d+\s+warning\s/m);

    // The client script: no casts, no any, no ts- comments.
    expect(castsIn(CLIENT_SOURCE)).toEqual([]);

    // Types from the document, then the script compiled with tsc --strict.
    const client = join(dir, 'client');
    const generate = await node([bin('openapi-typescript/bin/cli.js'), documentPath, '--output', join(client, 'schema.ts')]);
    expect({ code: generate.code, output: generate.output }).toEqual({ code: 0, output: expect.any(String) });
    copyFileSync(CLIENT_SOURCE, join(client, 'weft-client.ts'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(client, 'node_modules'), 'dir');
    writeFileSync(join(client, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(client, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          outDir: 'out',
          noEmitOnError: true,
          // Only the libraries' own .d.ts: schema.ts and weft-client.ts are checked in full.
          skipLibCheck: true,
        },
        files: ['weft-client.ts', 'schema.ts'],
      }),
    );
    const compile = await node([bin('typescript/bin/tsc'), '-p', join(client, 'tsconfig.json')], { cwd: client });
    expect({ code: compile.code, output: compile.output }).toEqual({ code: 0, output: '' });

    const run = await node([join(client, 'out/weft-client.js')], { cwd: client, env: { WEFT_URL: base, WEFT_TOKEN: TOKEN } });
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringMatching(/weft-client: \d+ checks passed/) });
  }, 120_000);

  it('answers unknown routes and body-parser errors with the one error shape', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const unknown = await fetch(`${base}/api/nope`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ statusCode: 404, error: expect.stringMatching(/GET \/api\/nope/) });

    const malformed = await fetch(`${base}/api/workflows`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"name": "x",\n "steps": 1,\n}',
    });
    expect(malformed.status).toBe(400);
    const body: any = await malformed.json();
    expect(body).toEqual({ statusCode: 400, error: expect.stringMatching(/not valid JSON/), details: [expect.objectContaining({ path: '' })] });
    expect(body.details[0]).toEqual(expect.objectContaining({ line: 3, column: 1 }));

    const charset = await fetch(`${base}/api/workflows`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json; charset=latin1' },
      body: '{}',
    });
    expect(charset.status).toBe(415);
    expect(await charset.json()).toEqual({ statusCode: 415, error: expect.stringMatching(/charset/) });

    const large = await fetch(`${base}/api/workflows`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ steps: [], padding: 'x'.repeat(1_100_000) }),
    });
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ statusCode: 413, error: expect.stringMatching(/too large/) });
  });
});
