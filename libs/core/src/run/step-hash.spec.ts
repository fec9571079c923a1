import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStep } from '../testing/make-workflow';
import { stableStringify, stepHash } from './step-hash';

const scope = (outputs: Record<string, unknown>) => ({ step: (id: string) => ({ status: 'succeeded', outputs: outputs[id] }) });

describe('stepHash', () => {
  it('sorts object keys so equal values give equal text', () => {
    expect(stableStringify({ b: 1, a: [{ d: 1, c: undefined }] })).toBe('{"a":[{"d":1}],"b":1}');
  });

  it('changes with resolved inputs and with the content of the script it runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-hash-'));
    writeFileSync(join(dir, 'run.py'), 'print(1)');
    const step = makeStep('b', { config: { script: 'run.py' }, inputs: { x: '${steps.a.outputs.n}' } });
    const handler = { pathFields: ['script'] };
    const workflow = { env: {}, rootDir: dir };
    const one = stepHash(step, handler, workflow, scope({ a: { n: 1 } }), null);
    expect(stepHash(step, handler, workflow, scope({ a: { n: 1 } }), null)).toBe(one);
    expect(stepHash(step, handler, workflow, scope({ a: { n: 2 } }), null)).not.toBe(one);
    writeFileSync(join(dir, 'run.py'), 'print(2)');
    expect(stepHash(step, handler, workflow, scope({ a: { n: 1 } }), null)).not.toBe(one);
    const missing = makeStep('b', { config: { script: 'gone.py' } });
    expect(stepHash(missing, handler, workflow, scope({}), null)).toMatch(/^[0-9a-f]{64}$/);
  });
});
