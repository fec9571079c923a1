import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { WorkflowValidationError } from '../errors/workflow-validation.error';
import type { StepRunContext, StepTypeHandler } from '../step-type/step-type';
import { runStepType } from './index';

const upperSchema = z.strictObject({
  text: z.string(),
  template: z.string().optional(),
  file: z.string().optional(),
  failWith: z.string().optional(),
  sleepMs: z.number().optional(),
});

/** An in-process step type: uppercases `text`; `template` is code; `file` must exist in the folder. */
class UpperStepType implements StepTypeHandler<z.infer<typeof upperSchema>> {
  readonly name = 'upper';
  readonly description = 'uppercases text';
  readonly configSchema = upperSchema;
  readonly codeFields = ['template'];
  readonly pathFields = ['file'];
  readonly contexts: StepRunContext<z.infer<typeof upperSchema>>[] = [];
  codeReferenceHint = ({ inputName }: { inputName: string }) => `use {{${inputName}}} in template and give it in inputs`;

  async run(context: StepRunContext<z.infer<typeof upperSchema>>) {
    this.contexts.push(context);
    context.log(`upper attempt ${context.attempt}\n`);
    if (context.config.sleepMs) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, context.config.sleepMs);
        context.signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
      });
      if (context.signal.aborted) return { ok: false, reason: 'cancelled' as const, message: 'stopped' };
    }
    if (context.config.failWith && context.attempt === 1) return { ok: false, reason: 'error' as const, message: context.config.failWith };
    return { ok: true, outputs: { text: context.config.text.toUpperCase() } };
  }
}

describe('runStepType', () => {
  it('runs one step of the type with the real executor and gives outputs, log and its report', async () => {
    const handler = new UpperStepType();
    const result = await runStepType(handler, { text: 'hello', inputs: { n: 1 }, env: { A: 'b' } }, { env: { TOP: 'x' } });
    expect(result).toMatchObject({ ok: true, status: 'succeeded', outputs: { text: 'HELLO' }, log: 'upper attempt 1\n' });
    expect(result.report).toMatchObject({ status: 'succeeded', attempts: 1, reason: null, outputs: { text: 'HELLO' } });
    expect(result.run.status).toBe('succeeded');
    const context = handler.contexts[0];
    expect(context).toMatchObject({ stepId: 'step', attempt: 1, inputs: { n: 1 }, env: { TOP: 'x', A: 'b' } });
    expect(context.config).toEqual({ text: 'hello' });
  });

  it('rejects a step its schema, code fields or path fields refuse, with the messages of production', async () => {
    const handler = new UpperStepType();
    const error = await runStepType(handler, { text: 1, colour: 'red', retries: 99, file: 'missing.txt' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const messages = (error as WorkflowValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'steps[0].text: expected string, got 1',
        expect.stringMatching(/^steps\[0\]\.colour: unknown field 'colour' for a step of type 'upper'/),
        'steps[0].retries: must be an integer from 0 to 10, got 99',
        expect.stringMatching(/^steps\[0\]\.file: file not found: missing\.txt/),
      ]),
    );
    expect((error as Error).message).toMatch(/^workflow is invalid \(4 errors\):\n {2}steps\[0\]/);
    await expect(runStepType(handler, { text: 'a', template: '${steps.user.outputs.name}' }, { upstream: { user: { name: 'x' } } })).rejects.toThrow(
      "steps[0].template: 'template' is code, so references are not allowed there (${steps.user.outputs.name}): use {{name}} in template and give it in inputs",
    );
    expect(handler.contexts).toHaveLength(0);
  });

  it('resolves references to the upstream outputs it is given', async () => {
    const handler = new UpperStepType();
    const result = await runStepType(handler, { text: 'hi ${steps.user.outputs.name}', inputs: { user: '${steps.user.outputs}' } }, { upstream: { user: { name: 'ada' } } });
    expect(result.outputs).toEqual({ text: 'HI ADA' });
    expect(handler.contexts[0].inputs).toEqual({ user: { name: 'ada' } });
    await expect(runStepType(handler, { text: '${steps.nobody.outputs.x}' })).rejects.toThrow(/steps\[0\]\.text: unknown step 'nobody'/);
  });

  it('checks path fields against the workdir it is given', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'weft-run-step-type-spec-'));
    try {
      writeFileSync(join(workdir, 'data.txt'), 'x');
      const handler = new UpperStepType();
      const result = await runStepType(handler, { text: 'a', file: 'data.txt' }, { workdir });
      expect(result.ok).toBe(true);
      expect(handler.contexts[0].workdir).toBe(workdir);
      await expect(runStepType(handler, { text: 'a', file: '../outside.txt' }, { workdir })).rejects.toThrow(/file must stay inside the workflow's folder/);
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });

  it('runs it as a foreach item', async () => {
    const handler = new UpperStepType();
    const result = await runStepType(handler, { text: 'item ${item} at ${index}' }, { foreachItem: 'x' });
    expect(result.outputs).toEqual({ text: 'ITEM X AT 0' });
    expect(handler.contexts[0].item).toEqual({ value: 'x', index: 0 });
    const own = await runStepType(handler, { text: '${item}', foreach: ['a', 'b'] });
    expect(own.outputs).toEqual([{ text: 'A' }, { text: 'B' }]);
    await expect(runStepType(handler, { text: 'a', foreach: ['a'] }, { foreachItem: 'b' })).rejects.toThrow(/not both/);
  });

  it('resolves a failed step with ok false, and applies retries and timeout', async () => {
    const handler = new UpperStepType();
    const failed = await runStepType(handler, { text: 'a', failWith: 'upstream said no' });
    expect(failed).toMatchObject({ ok: false, status: 'failed', report: { reason: 'error', message: 'upstream said no' } });
    const retried = await runStepType(handler, { text: 'a', failWith: 'once', retries: 1, retryDelay: 1 });
    expect(retried).toMatchObject({ ok: true, report: { attempts: 2 } });
    expect(retried.log).toContain('upper attempt 2');
    const timedOut = await runStepType(handler, { text: 'a', sleepMs: 10_000, timeout: 50 });
    expect(timedOut).toMatchObject({ ok: false, report: { reason: 'timeout' } });
  });

  it('registers other step types when asked, and refuses a handler that is not one', async () => {
    const other: StepTypeHandler = { name: 'other', description: '', configSchema: z.strictObject({}), run: async () => ({ ok: true }) };
    const result = await runStepType(new UpperStepType(), { text: 'a' }, { stepTypes: [other] });
    expect(result.ok).toBe(true);
    await expect(runStepType({ name: 'x' } as never)).rejects.toThrow(/runStepType: the handler is not a step-type handler: it \('x'\) needs description/);
    await expect(runStepType(new UpperStepType(), { text: 'a' }, { stepTypes: [new UpperStepType()] })).rejects.toThrow(/registered twice/);
  });

  it('cancels the run when its signal aborts', async () => {
    const controller = new AbortController();
    const running = runStepType(new UpperStepType(), { text: 'a', sleepMs: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await running;
    expect(result.ok).toBe(false);
    expect(result.run.status).toBe('cancelled');
  });
});
