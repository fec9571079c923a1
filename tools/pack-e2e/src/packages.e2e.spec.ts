import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { createFreshProject, filesUnder, installedWeftPackages, lockedVersion, REPO, tarballsOf, type FreshProject } from './fresh-project';

/**
 * The published packages as a stranger gets them: `npm pack` tarballs installed with the real npm
 * into fresh projects in the OS temp folder, no workspace links (the global setup builds and packs).
 */

/** The version the repository's package.json pins `name` to in `overrides`. */
function rootOverride(name: string): string {
  const { overrides } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { overrides: Record<string, unknown> };
  if (typeof overrides[name] !== 'string') throw new Error(`package.json has no overrides.${name}`);
  return overrides[name];
}

/** Asserts what every installed @weft package must (not) contain. */
function expectCleanPackages(project: FreshProject): void {
  const packages = installedWeftPackages(project.dir);
  expect(packages.length).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const pkg of packages) {
    for (const needed of ['LICENSE', 'README.md']) if (!existsSync(join(pkg, needed))) problems.push(`${relative(project.dir, pkg)}: no ${needed}`);
    for (const file of filesUnder(pkg)) {
      const name = relative(project.dir, file);
      if (file.includes(`${join(pkg, 'node_modules')}`)) continue;
      if (file.endsWith('.tsbuildinfo')) problems.push(`${name}: a build-info file`);
      if (/\.spec\.[cm]?[jt]sx?(\.map)?$|\.spec\.d\.ts$/.test(file)) problems.push(`${name}: a test file`);
      if (file.endsWith('.js.map') || file.endsWith('.cjs.map')) {
        const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
        const missing = map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== 'string');
        if (missing.length > 0) problems.push(`${name}: no sourcesContent for ${missing.slice(0, 3).join(', ')}`);
      }
    }
  }
  expect(problems).toEqual([]);
}

describe('CLI project: @weft/cli and @weft/plugin-http from their tarballs', () => {
  let project: FreshProject;
  let api: Server;
  let apiUrl: string;
  const requests: string[] = [];
  const cli = (args: string[]) => project.run('npx', ['--no', '--', 'weft', ...args], { env: { XDG_CACHE_HOME: join(project.dir, '.cache') }, timeoutMs: 60_000 });

  beforeAll(async () => {
    api = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, greeting: 'hello from the test server' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    project = await createFreshProject(
      'cli',
      tarballsOf('@weft/core', '@weft/step-types', '@weft/history', '@weft/queue', '@weft/cli', '@weft/plugin-http'),
    );
    project.write(
      'workflow.yaml',
      [
        'name: packaged',
        'steps:',
        '  - id: word',
        '    type: shell',
        `    run: printf '{"word":"woven"}' > "$WEFT_OUTPUTS"`,
        '  - id: call',
        '    type: http',
        `    url: ${apiUrl}/echo/\${steps.word.outputs.word}`,
        '  - id: check',
        '    type: shell',
        '    inputs:',
        '      status: ${steps.call.outputs.status}',
        '      greeting: ${steps.call.outputs.body.greeting}',
        '    run: test "$INPUT_STATUS" = 200 && test "$INPUT_GREETING" = "hello from the test server"',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    project?.remove();
    await new Promise((resolve) => api?.close(resolve));
  });

  it('installs without an engine warning', () => {
    expect(project.install.output).not.toMatch(/EBADENGINE/);
  });

  it('installs packages with no build-info or test files, and source maps that carry their sources', () => {
    expectCleanPackages(project);
  });

  it('`weft validate` knows the http step type only with --plugin @weft/plugin-http', async () => {
    const without = await cli(['validate', 'workflow.yaml']);
    expect(without.code).toBe(2);
    expect(without.output).toMatch(/http/);

    const withPlugin = await cli(['validate', 'workflow.yaml', '--plugin', '@weft/plugin-http']);
    expect({ code: withPlugin.code, stdout: withPlugin.stdout.trim(), stderr: withPlugin.stderr }).toEqual({ code: 0, stdout: 'ok', stderr: '' });
  });

  it('`weft run --plugin @weft/plugin-http` runs the shell and http steps', async () => {
    const result = await cli(['run', 'workflow.yaml', '--plugin', '@weft/plugin-http', '--json']);
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as { status: string; steps: Record<string, { status: string; outputs: any }> };
    expect(report.status).toBe('succeeded');
    expect(Object.fromEntries(Object.entries(report.steps).map(([id, step]) => [id, step.status]))).toEqual({
      word: 'succeeded',
      call: 'succeeded',
      check: 'succeeded',
    });
    expect(report.steps.call.outputs).toMatchObject({ status: 200, body: { path: '/echo/woven' } });
    expect(requests).toContain('GET /echo/woven');
  });
});

describe('types: a Nest host compiles against the published .d.ts with skipLibCheck false', () => {
  let project: FreshProject;

  beforeAll(async () => {
    const nest = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs', 'typescript'];
    project = await createFreshProject(
      'types',
      tarballsOf('@weft/core', '@weft/step-types', '@weft/history', '@weft/queue', '@weft/nest', '@weft/server'),
      nest.map((name) => `${name}@${lockedVersion(name)}`),
      {
        // @weft/server is ESM only; the override is what its README tells hosts on Node 20 to add.
        packageJson: { type: 'module', overrides: { 'file-type': rootOverride('file-type') } },
        // Only types are checked here: no need to build better-sqlite3 (the CLI project does).
        npmArgs: ['--ignore-scripts'],
      },
    );
  });

  afterAll(() => project?.remove());

  it('installs without an engine warning (with the file-type override the server README documents)', () => {
    expect(project.install.output).not.toMatch(/EBADENGINE/);
  });

  it('installs packages with no build-info or test files, and source maps that carry their sources', () => {
    expectCleanPackages(project);
  });

  it('tsc --strict --skipLibCheck false accepts a host using @weft/core, @weft/server and @weft/nest', async () => {
    project.write(
      'host.ts',
      [
        "import 'reflect-metadata';",
        "import { Module } from '@nestjs/common';",
        "import { NestFactory } from '@nestjs/core';",
        "import { parseWorkflow, z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';",
        "import { runStepType } from '@weft/core/testing';",
        "import { StepType } from '@weft/nest';",
        "import { WeftModule } from '@weft/server';",
        '',
        'const helloConfig = z.strictObject({ who: z.string() });',
        '',
        "/** A step type of the host's own: `type: hello`. */",
        "@StepType({ name: 'hello' })",
        'export class HelloStepType implements StepTypeHandler<z.infer<typeof helloConfig>> {',
        "  readonly name = 'hello';",
        "  readonly description = 'Says hello';",
        '  readonly configSchema = helloConfig;',
        '  async run(context: StepRunContext<z.infer<typeof helloConfig>>): Promise<StepOutcome> {',
        '    return { ok: true, outputs: { greeting: `hello ${context.config.who}` } };',
        '  }',
        '}',
        '',
        '@Module({ imports: [WeftModule.forRoot({})], providers: [HelloStepType] })',
        'export class AppModule {}',
        '',
        'export async function main(): Promise<void> {',
        '  const app = await NestFactory.create(AppModule);',
        '  await app.listen(0);',
        '}',
        '',
        'export const parse: typeof parseWorkflow = parseWorkflow;',
        'export const testStepType: typeof runStepType = runStepType;',
        '',
      ].join('\n'),
    );
    const tsc = await project.run(
      'npx',
      [
        '--no',
        '--',
        'tsc',
        '--strict',
        '--skipLibCheck',
        'false',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--experimentalDecorators',
        '--emitDecoratorMetadata',
        '--noEmit',
        'host.ts',
      ],
      { timeoutMs: 3 * 60_000 },
    );
    expect({ code: tsc.code, output: tsc.output }).toEqual({ code: 0, output: '' });
  });
});
