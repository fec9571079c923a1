import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from './utf8';
import * as path from 'node:path';
import { WorkflowError } from '../errors/workflow.error';
import { WorkflowValidationError } from '../errors/workflow-validation.error';
import type { StepTypeRegistry } from '../step-type/step-type';
import { validateWorkflowDocument, type ParseWorkflowResult, type ValidateWorkflowOptions } from './parse-workflow';
import { detectFormat, documentFromReading, readDocument, readDocumentForTransfer, type DocumentReading } from './read-document';
import type { Workflow } from './workflow.types';

/** Options of {@link loadWorkflowFile}. */
export interface LoadWorkflowFileOptions {
  /** The step types `type:` may name. */
  readonly stepTypes: StepTypeRegistry;
  /** Folder scripts resolve in and must stay inside. @default the file's folder */
  readonly rootDir?: string;
  /**
   * Readings of YAML texts kept from earlier loads, by the SHA-256 of the text: reading a large
   * YAML workflow costs far more (about 0.2 ms a step) than validating a kept reading. Only
   * readings without syntax errors are kept; validation always runs.
   */
  readonly readings?: DocumentReadingCache;
}

/** Where {@link loadWorkflowFile} keeps readings of YAML texts (the CLI keeps them in its cache folder). */
export interface DocumentReadingCache {
  /** The reading kept under `key`, if any (anything else, such as a damaged entry: undefined). */
  get(key: string): DocumentReading | undefined;
  set(key: string, reading: DocumentReading): void;
}

/**
 * Reads and validates a workflow file (`.yml`, `.yaml` or `.json`; other names by content).
 *
 * @throws WorkflowError `cannot read FILE: …` when the file cannot be read.
 * @throws WorkflowValidationError with every issue (and the file name) when it is invalid.
 */
export async function loadWorkflowFile(file: string, options: LoadWorkflowFileOptions): Promise<Workflow> {
  const sourcePath = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(sourcePath);
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
  const decoded = decodeUtf8(bytes);
  if ('issue' in decoded) throw new WorkflowValidationError([decoded.issue], file);
  const { text } = decoded;
  const result = readAndValidate(text, options.readings, {
    fileName: file,
    rootDir: options.rootDir ?? path.dirname(sourcePath),
    stepTypes: options.stepTypes,
  });
  if (!result.ok) throw new WorkflowValidationError(result.issues, file);
  return { ...result.workflow, sourcePath };
}

/** What `parseWorkflow` does, with the reading of a YAML text taken from (or kept in) `readings`. */
function readAndValidate(text: string, readings: DocumentReadingCache | undefined, options: ValidateWorkflowOptions): ParseWorkflowResult {
  const format = detectFormat(text, options.fileName);
  if (!readings || format !== 'yaml') return validateWorkflowDocument(readDocument(text, format), options);
  const key = createHash('sha256').update(text).digest('hex');
  let reading = readings.get(key);
  if (reading?.format !== format || reading.issues.length > 0 || reading.positions === undefined) {
    // Read here (positions included, so a kept reading can place later validation errors).
    reading = readDocumentForTransfer(text, format);
    if (reading.issues.length === 0) readings.set(key, reading);
  }
  return validateWorkflowDocument(documentFromReading(text, reading), options);
}
