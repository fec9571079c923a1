import { z } from 'zod';
import { defaultCodeReferenceHint, StepTypeRegistry, type CodeReferenceHintInput, type StepTypeHandler } from '../step-type/step-type';
import { parseWorkflow } from './parse-workflow';
import { fakeStepType } from './testing/fake-step-type';

/** A step type whose `query` is code run in process (no WEFT_INPUTS there): it says how to do it. */
const sqlStepType: StepTypeHandler = {
  name: 'sql',
  description: 'runs a query',
  configSchema: z.strictObject({ query: z.string(), params: z.record(z.string(), z.unknown()).optional() }),
  codeFields: ['query'],
  codeReferenceHint: ({ field, reference, inputName }) =>
    `pass the value as a bind parameter (params: { ${inputName}: ${reference} }) and write :${inputName} in ${field}`,
  run: async () => ({ ok: true }),
};

function messages(steps: string, ...types: StepTypeHandler<any>[]): string[] {
  const result = parseWorkflow(`steps:\n${steps}`, { rootDir: '/tmp', stepTypes: new StepTypeRegistry([fakeStepType, ...types]) });
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('codeReferenceHint', () => {
  it("uses the step type's hint for a reference in its code field", () => {
    const hint = jest.fn(sqlStepType.codeReferenceHint!);
    const sql = { ...sqlStepType, codeReferenceHint: hint };
    expect(
      messages(
        '  - { id: user, type: fake }\n  - { id: q, type: sql, query: "select * from t where id = ${steps.user.outputs.id}" }\n',
        sql,
      ),
    ).toEqual([
      "steps[1].query: 'query' is code, so references are not allowed there (${steps.user.outputs.id}): pass the value as a bind parameter (params: { id: ${steps.user.outputs.id} }) and write :id in query",
    ]);
    expect(hint).toHaveBeenCalledWith({ field: 'query', reference: '${steps.user.outputs.id}', inputName: 'id' } satisfies CodeReferenceHintInput);
  });

  it('leaves the value fields of that step type alone: references there are fine', () => {
    expect(messages('  - { id: user, type: fake }\n  - { id: q, type: sql, query: "select 1", params: { id: "${steps.user.outputs.id}" } }\n', sqlStepType)).toEqual([]);
  });

  it('keeps the default (WEFT_INPUTS or INPUT_X) for a step type without a hint, e.g. the built-ins', () => {
    expect(messages('  - { id: user, type: fake }\n  - { id: b, type: fake, run: "echo ${steps.user.outputs.name}" }\n')).toEqual([
      "steps[1].run: 'run' is code, so references are not allowed there (${steps.user.outputs.name}): pass the value through inputs (inputs: { name: ${steps.user.outputs.name} }) and read it from WEFT_INPUTS or INPUT_NAME",
    ]);
    expect(defaultCodeReferenceHint({ field: 'run', reference: '${steps.a.outputs}', inputName: 'a' })).toBe(
      'pass the value through inputs (inputs: { a: ${steps.a.outputs} }) and read it from WEFT_INPUTS or INPUT_A',
    );
  });

  it('falls back to the default when the hint throws or returns no text', () => {
    const step = '  - { id: user, type: fake }\n  - { id: q, type: sql, query: "${steps.user.outputs.id}" }\n';
    const expected = [
      "steps[1].query: 'query' is code, so references are not allowed there (${steps.user.outputs.id}): pass the value through inputs (inputs: { id: ${steps.user.outputs.id} }) and read it from WEFT_INPUTS or INPUT_ID",
    ];
    const throwing = {
      ...sqlStepType,
      codeReferenceHint: () => {
        throw new Error('boom');
      },
    };
    expect(messages(step, throwing)).toEqual(expected);
    expect(messages(step, { ...sqlStepType, codeReferenceHint: () => '  ' })).toEqual(expected);
  });

  it('keeps a hint on one line', () => {
    const step = '  - { id: user, type: fake }\n  - { id: q, type: sql, query: "${steps.user.outputs.id}" }\n';
    expect(messages(step, { ...sqlStepType, codeReferenceHint: () => 'use a bind\n  parameter\n' })).toEqual([
      "steps[1].query: 'query' is code, so references are not allowed there (${steps.user.outputs.id}): use a bind parameter",
    ]);
  });
});
