import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from '@weft/core';
import { PythonStepType, pythonConfigSchema, type PythonStepConfig } from './python.step-type';
import { stepContextFixture } from './testing/step-context';

describe('PythonStepType', () => {
  const step = new PythonStepType();
  const fixture = stepContextFixture<PythonStepConfig>('py');
  const context = fixture.context;

  describe('config schema', () => {
    it('accepts a script or code, and defaults the interpreter to python3', () => {
      expect(pythonConfigSchema.parse({ script: './a.py', args: ['x', 1] })).toEqual({
        script: './a.py',
        args: ['x', 1],
        python: 'python3',
      });
      expect(pythonConfigSchema.parse({ code: 'print(1)', python: 'python3.11' })).toEqual({
        code: 'print(1)',
        python: 'python3.11',
      });
    });

    it('requires exactly one of script or code, naming both', () => {
      const neither = pythonConfigSchema.safeParse({});
      expect(neither.error?.issues[0].message).toBe('give exactly one of `script` or `code` (found neither)');
      const both = pythonConfigSchema.safeParse({ script: 'a.py', code: 'print(1)' });
      expect(both.error?.issues[0]).toMatchObject({
        message: 'give exactly one of `script` or `code` (found `script` and `code`)',
        path: ['code'],
      });
    });

    it('rejects unknown fields', () => {
      const result = pythonConfigSchema.safeParse({ script: 'a.py', scirpt: 'b.py' });
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toContain('scirpt');
    });

    it('describes its fields in the JSON schema', () => {
      const schema = z.toJSONSchema(pythonConfigSchema, { io: 'input' }) as {
        properties: Record<string, { description?: string }>;
      };
      for (const field of ['script', 'code', 'args', 'python'])
        expect(schema.properties[field].description).toBeTruthy();
    });

    it('declares code and path fields', () => {
      expect(step).toMatchObject({ name: 'python', codeFields: ['code'], pathFields: ['script'] });
    });
  });

  it('runs a script relative to the workflow folder with its arguments', async () => {
    writeFileSync(
      join(fixture.workdir(), 'main.py'),
      [
        'import json, os, sys',
        'inputs = json.load(open(os.environ["WEFT_INPUTS"]))',
        'print("hello", inputs["name"])',
        'json.dump({"argv": sys.argv[1:], "cwd": os.getcwd()}, open(os.environ["WEFT_OUTPUTS"], "w"))',
      ].join('\n'),
    );
    const outcome = await step.run(
      context({ script: './main.py', args: ['--flag', 2, { a: 1 }] }, { name: 'ada' }),
    );
    expect(outcome).toMatchObject({ ok: true, outputs: { argv: ['--flag', '2', '{"a":1}'], cwd: fixture.workdir() } });
    expect(outcome.log).toBe('hello ada\n');
  });

  it('runs inline code with arguments, never through a shell', async () => {
    const pwned = join(tmpdir(), `pwned-py-${process.pid}-${Date.now()}`);
    const evil = `$(touch ${pwned}); rm -rf x`;
    const code =
      'import json, os, sys; json.dump({"argv": sys.argv[1:], "env": os.environ["INPUT_EVIL"]}, open(os.environ["WEFT_OUTPUTS"], "w"))';
    const outcome = await step.run(context({ code, args: [evil] }, { evil }));
    expect(outcome).toMatchObject({ ok: true, outputs: { argv: [evil], env: evil } });
    expect(existsSync(pwned)).toBe(false);
  });

  it('fails with exit_code when the script raises', async () => {
    const outcome = await step.run(context({ code: 'raise SystemExit(4)' }));
    expect(outcome).toMatchObject({ ok: false, reason: 'exit_code', exitCode: 4 });
  });

  it('fails with spawn_error when the interpreter is missing', async () => {
    const outcome = await step.run(context({ code: 'print(1)', python: 'weft-no-python' }));
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'spawn_error',
      message: 'cannot start weft-no-python: not found on PATH',
    });
  });
});
