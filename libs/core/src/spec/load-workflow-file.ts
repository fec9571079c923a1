import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { WorkflowError } from '../errors/workflow.error';
import { WorkflowValidationError } from '../errors/workflow-validation.error';
import type { StepTypeRegistry } from '../step-type/step-type';
import { parseWorkflow } from './parse-workflow';
import type { Workflow } from './workflow.types';

/** Options of {@link loadWorkflowFile}. */
export interface LoadWorkflowFileOptions {
  /** The step types `type:` may name. */
  readonly stepTypes: StepTypeRegistry;
  /** Folder scripts resolve in and must stay inside. @default the file's folder */
  readonly rootDir?: string;
}

/**
 * Reads and validates a workflow file (`.yml`, `.yaml` or `.json`; other names by content).
 *
 * @throws WorkflowError `cannot read FILE: …` when the file cannot be read.
 * @throws WorkflowValidationError with every issue (and the file name) when it is invalid.
 */
export async function loadWorkflowFile(file: string, options: LoadWorkflowFileOptions): Promise<Workflow> {
  const sourcePath = path.resolve(file);
  let text: string;
  try {
    text = await readFile(sourcePath, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'ENOTDIR'
              ? 'a part of the path is a file, not a folder'
              : message;
    throw new WorkflowError(`cannot read ${file}: ${reason}`);
  }
  const result = parseWorkflow(text, {
    fileName: file,
    rootDir: options.rootDir ?? path.dirname(sourcePath),
    stepTypes: options.stepTypes,
  });
  if (!result.ok) throw new WorkflowValidationError(result.issues, file);
  return { ...result.workflow, sourcePath };
}
