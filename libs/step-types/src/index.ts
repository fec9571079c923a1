import type { StepTypeHandler } from '@weft/core';
import { NodeStepType } from './node.step-type';
import { PythonStepType } from './python.step-type';
import { ShellStepType } from './shell.step-type';

export { NodeStepType, nodeConfigSchema, type NodeStepConfig } from './node.step-type';
export { PythonStepType, pythonConfigSchema, type PythonStepConfig } from './python.step-type';
export { ShellStepType, shellConfigSchema, type ShellStepConfig } from './shell.step-type';

/** A fresh instance of each built-in step type: `python`, `shell`, `node`. */
export function builtinStepTypes(): StepTypeHandler[] {
  return [new PythonStepType(), new ShellStepType(), new NodeStepType()];
}
