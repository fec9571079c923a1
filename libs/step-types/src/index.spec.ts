import { StepTypeRegistry } from '@weft/core';
import { builtinStepTypes } from './index';

describe('builtinStepTypes', () => {
  it('registers python, shell and node', () => {
    expect(new StepTypeRegistry(builtinStepTypes()).names()).toEqual(['node', 'python', 'shell']);
  });

  it('gives fresh instances on each call', () => {
    expect(builtinStepTypes()[0]).not.toBe(builtinStepTypes()[0]);
  });
});
