import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from '@weft/core';
import { NodeStepType, nodeConfigSchema, type NodeStepConfig } from './node.step-type';
import { stepContextFixture } from './testing/step-context';

describe('NodeStepType', () => {
  const step = new NodeStepType();
  const fixture = stepContextFixture<NodeStepConfig>('js');
  const context = fixture.context;

  it('requires exactly one of script or code and rejects unknown fields', () => {
    expect(nodeConfigSchema.safeParse({ script: 'a.js' }).success).toBe(true);
    expect(nodeConfigSchema.safeParse({}).error?.issues[0].message).toBe(
      'give exactly one of `script` or `code` (found neither)',
    );
    expect(nodeConfigSchema.safeParse({ script: 'a.js', code: '1' }).success).toBe(false);
    expect(nodeConfigSchema.safeParse({ code: '1', shell: 'sh' }).success).toBe(false);
  });

  it('describes its fields and declares code and path fields', () => {
    const schema = z.toJSONSchema(nodeConfigSchema) as {
      properties: Record<string, { description?: string }>;
    };
    for (const field of ['script', 'code', 'args']) expect(schema.properties[field].description).toBeTruthy();
    expect(step).toMatchObject({ name: 'node', codeFields: ['code'], pathFields: ['script'] });
  });

  it('runs a script relative to the workflow folder with its arguments', async () => {
    writeFileSync(
      join(fixture.workdir(), 'main.js'),
      `const fs = require('fs');
       const inputs = JSON.parse(fs.readFileSync(process.env.WEFT_INPUTS, 'utf8'));
       fs.writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ argv: process.argv.slice(2), n: inputs.n + 1 }));`,
    );
    const outcome = await step.run(context({ script: 'main.js', args: ['--flag', 3] }, { n: 41 }));
    expect(outcome).toMatchObject({ ok: true, outputs: { argv: ['--flag', '3'], n: 42 } });
  });

  it('runs inline code, keeping arguments that look like options away from node', async () => {
    const code = `require('fs').writeFileSync(process.env.WEFT_OUTPUTS, JSON.stringify({ argv: process.argv.slice(1) }))`;
    const outcome = await step.run(context({ code, args: ['--inspect', '$(id)'] }));
    expect(outcome).toMatchObject({ ok: true, outputs: { argv: ['--inspect', '$(id)'] } });
  });

  it('fails with exit_code when the code throws', async () => {
    const outcome = await step.run(context({ code: 'throw new Error("boom")' }));
    expect(outcome).toMatchObject({ ok: false, reason: 'exit_code', exitCode: 1 });
    expect(outcome.log).toContain('boom');
  });
});
