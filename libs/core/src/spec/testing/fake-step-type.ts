import { z } from 'zod';
import { StepTypeRegistry, type StepTypeHandler } from '../../step-type/step-type';

/** A step type for tests: `run` is code, `script` a path; runs nothing. */
export const fakeStepType: StepTypeHandler = {
  name: 'fake',
  description: '',
  configSchema: z.object({ run: z.string().optional(), script: z.string().optional() }).strict(),
  codeFields: ['run'],
  pathFields: ['script'],
  run: async () => ({ ok: true }),
};

/** A registry holding only {@link fakeStepType}. */
export function fakeRegistry(...extra: StepTypeHandler<any>[]): StepTypeRegistry {
  return new StepTypeRegistry([fakeStepType, ...extra]);
}
