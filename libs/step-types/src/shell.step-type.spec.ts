import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z, type StepTypeHandler } from '@weft/core';
import { ShellStepType, shellConfigSchema, type ShellStepConfig } from './shell.step-type';
import { stepContextFixture } from './testing/step-context';

describe('ShellStepType', () => {
  const step = new ShellStepType();
  const fixture = stepContextFixture<ShellStepConfig>('sh_step');
  const context = fixture.context;

  it('requires run, defaults the shell to sh and rejects unknown fields', () => {
    expect(shellConfigSchema.parse({ run: 'echo hi' })).toEqual({ run: 'echo hi', shell: 'sh' });
    expect(shellConfigSchema.safeParse({}).success).toBe(false);
    expect(shellConfigSchema.safeParse({ run: 'echo', args: [] }).success).toBe(false);
  });

  it('describes its fields and declares run as code', () => {
    const schema = z.toJSONSchema(shellConfigSchema, { io: 'input' }) as {
      properties: Record<string, { description?: string }>;
    };
    for (const field of ['run', 'shell']) expect(schema.properties[field].description).toBeTruthy();
    expect(step).toMatchObject({ name: 'shell', codeFields: ['run'] });
    expect((step as StepTypeHandler<ShellStepConfig>).pathFields).toBeUndefined();
  });

  it('runs static text with values from INPUT_<NAME>, never interpreting them', async () => {
    const pwned = join(tmpdir(), `pwned-sh-${process.pid}-${Date.now()}`);
    const evil = `$(touch ${pwned}); rm -rf x`;
    const outcome = await step.run(
      context(
        {
          run: 'printf \'{"said":"%s","pwd":"%s"}\' "$INPUT_GREETING" "$(pwd)" > "$WEFT_OUTPUTS"; echo "$INPUT_EVIL"',
        },
        {
          greeting: 'hi',
          evil,
        },
      ),
    );
    expect(outcome).toMatchObject({ ok: true, outputs: { said: 'hi', pwd: fixture.workdir() } });
    expect(outcome.log).toBe(`${evil}\n`);
    expect(existsSync(pwned)).toBe(false);
  });

  it('names the step in shell errors and fails with the exit code', async () => {
    const outcome = await step.run(context({ run: 'weft-no-such-command' }));
    expect(outcome).toMatchObject({ ok: false, reason: 'exit_code', exitCode: 127 });
    expect(outcome.log).toContain('sh_step');
  });

  it('uses the configured shell', async () => {
    const outcome = await step.run(context({ run: 'exit 0', shell: 'weft-no-shell' }));
    expect(outcome).toMatchObject({
      reason: 'spawn_error',
      message: 'cannot start weft-no-shell: not found on PATH',
    });
  });
});
