import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';
import { testDatabase } from '@weft/history/testing';
import { StepType } from '@weft/nest';
import { InvalidStepTypeError } from '../src/step-types/step-types.loader.js';
import { WeftModule } from '../src/weft.module.js';
import { startApp, tempDir, waitForRun } from './e2e-helpers.js';
import { buildServer, expectCall, REPO_ROOT, startServerProcess } from './server-process.js';

const greetSchema = z.strictObject({ greeting: z.string().default('hello') });

/** A fixture plugin: outputs `{ message: '<greeting>, <inputs.name>' }` without a process. */
@StepType({ name: 'greet' })
class GreetStepType implements StepTypeHandler<z.infer<typeof greetSchema>> {
  readonly name = 'greet';
  readonly description = 'Greets someone (test fixture)';
  readonly configSchema = greetSchema;
  async run(context: StepRunContext<z.infer<typeof greetSchema>>): Promise<StepOutcome> {
    const log = `greeting ${String(context.inputs.name)}\n`;
    context.log(log);
    return { ok: true, log, outputs: { message: `${context.config.greeting}, ${String(context.inputs.name)}` } };
  }
}

@Module({ providers: [GreetStepType] })
class GreetPluginModule {}

@StepType({ name: 'other' })
class MisnamedStepType extends GreetStepType {}

@Module({ providers: [MisnamedStepType] })
class MisnamedPluginModule {}

describe('Step-type plugins', () => {
  it('discovers a plugin module’s @StepType() providers next to the built-ins and runs them', async () => {
    const ws = tempDir();
    const db = await testDatabase('sqlite');
    const t = await startApp(db.options, { workspace: ws.path, plugins: [GreetPluginModule] });
    try {
      const { body: types } = await t.get('/api/step-types').expect(200);
      expect(types.map((type: { name: string }) => type.name)).toEqual(['greet', 'node', 'python', 'shell']);
      expect(types[0].schema).toMatchObject({ properties: { greeting: { type: 'string' } } });

      const text = `name: hi\nsteps:\n  - id: who\n    type: shell\n    run: |\n      echo '{"name": "Ada"}' > "$WEFT_OUTPUTS"\n  - id: greet\n    type: greet\n    greeting: Hi\n    inputs:\n      name: \${steps.who.outputs.name}\n`;
      const { body } = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send(text).expect(201);
      const { body: run } = await t.post(`/api/workflows/${body.id}/runs`).send({}).expect(202);
      const report = await waitForRun(t, run.runId);
      expect(report.steps.greet).toMatchObject({ status: 'succeeded', outputs: { message: 'Hi, Ada' } });
      expect((await t.get(`/api/runs/${run.runId}/steps/greet/logs`).expect(200)).text).toContain('greeting Ada');

      const bad = await t.post('/api/workflows').set('Content-Type', 'application/yaml').send('steps:\n  - { id: a, type: greet, shout: true }\n').expect(400);
      expect(bad.body.details[0].path).toMatch(/^steps\[0\]/);
    } finally {
      await t.close();
      await db.dispose();
      ws.dispose();
    }
  });

  it('can leave the built-ins out', async () => {
    const ws = tempDir();
    const db = await testDatabase('sqlite');
    const t = await startApp(db.options, { workspace: ws.path, plugins: [GreetPluginModule], builtinStepTypes: false });
    try {
      const { body } = await t.get('/api/step-types').expect(200);
      expect(body.map((type: { name: string }) => type.name)).toEqual(['greet']);
    } finally {
      await t.close();
      await db.dispose();
      ws.dispose();
    }
  });

  it('fails the bootstrap when a @StepType() name does not match its handler', async () => {
    const ws = tempDir();
    const module = await Test.createTestingModule({
      imports: [WeftModule.forRoot({ database: { url: 'sqlite::memory:' }, workspace: ws.path, plugins: [MisnamedPluginModule] })],
    }).compile();
    const app = module.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(InvalidStepTypeError);
    await expect(app.init()).rejects.toThrow(/declared @StepType\(\{ name: 'other' \}\) but its name is 'greet'/);
    await app.close().catch(() => undefined);
    ws.dispose();
  });

  it('loads WEFT_PLUGINS (plugin modules of the entry shape) in the standalone server, and refuses a bad one before it listens', async () => {
    const ws = tempDir();
    writeFileSync(
      join(ws.path, 'shout.mjs'),
      "export const stepTypes = [{ name: 'shout', description: 'shouts', configSchema: { safeParse: (v) => ({ success: true, data: v }) }, " +
        "async run(context) { return { ok: true, outputs: { text: String(context.config.text).toUpperCase() } }; } }];\n",
    );
    buildServer();
    const server = await startServerProcess({
      databaseFile: join(ws.path, 'weft.sqlite'),
      workspace: ws.path,
      examplesDir: '',
      env: { WEFT_PLUGINS: join(ws.path, 'shout.mjs') },
    });
    try {
      const types = await expectCall(200, server.port, 'GET', '/api/step-types');
      expect(types.map((type: { name: string }) => type.name)).toEqual(['node', 'python', 'shell', 'shout']);
    } finally {
      await server.kill('SIGTERM');
    }
    for (const [plugins, message] of [
      ['./missing.mjs', /cannot find plugin '\.\/missing\.mjs'/],
      ['./shell.mjs', /step type 'shell'/],
    ] as const) {
      writeFileSync(join(ws.path, 'shell.mjs'), readFileSync(join(ws.path, 'shout.mjs'), 'utf8').replace("name: 'shout'", "name: 'shell'"));
      const result = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/server/dist/main.js')], {
        cwd: ws.path,
        env: { ...process.env, WEFT_PLUGINS: plugins, PORT: '1', WEFT_EXAMPLES_DIR: '' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^weft server: /);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    ws.dispose();
  }, 120_000);
});
