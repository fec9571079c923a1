import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { statSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { analyzeWorkflow, parseWorkflow, type ParseWorkflowResult, type Workflow } from '@weft/core';
import { HistoryStore, type StoredWorkflow, type WorkflowFormat } from '@weft/history';
import { badRequest, invalidWorkflow, notFound } from '../common/errors.js';
import { StepTypesLoader } from '../step-types/step-types.loader.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import type { CreatedWorkflowDto, WorkflowDetailDto, WorkflowSummaryDto } from './workflow.dto.js';

/** A stored workflow with its validated form, ready to run. */
export interface LoadedWorkflow {
  readonly stored: StoredWorkflow;
  readonly workflow: Workflow;
}

const detectFormat = (text: string): WorkflowFormat => (/^\s*[{[]/.test(text) ? 'json' : 'yaml');

/** Validates, stores and loads workflow documents. */
@Injectable()
export class WorkflowsService {
  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    private readonly history: HistoryStore,
    private readonly stepTypes: StepTypesLoader,
  ) {}

  /**
   * Validates a document sent over the API and stores it. Its scripts resolve in the workspace,
   * or in `dir`, a folder inside it.
   */
  async create(text: string, format: WorkflowFormat | undefined, dir?: string): Promise<CreatedWorkflowDto> {
    const rootDir = this.#rootDir(dir);
    const result = parseWorkflow(text, { rootDir, stepTypes: this.stepTypes.registry, format });
    if (!result.ok) throw invalidWorkflow(result.issues);
    const stored = await this.history.saveWorkflow({
      name: result.workflow.name,
      definition: text,
      format: format ?? detectFormat(text),
      rootDir,
    });
    return { id: stored.id, name: stored.name, plan: await this.#plan(result.workflow) };
  }

  /** Stores a workflow file (e.g. from `examples/`); its scripts resolve in its own folder. */
  async storeFile(file: string): Promise<ParseWorkflowResult & { stored?: StoredWorkflow }> {
    const text = await readFile(file, 'utf8');
    const result = parseWorkflow(text, { fileName: file, rootDir: dirname(file), stepTypes: this.stepTypes.registry });
    if (!result.ok) return result;
    const stored = await this.history.saveWorkflow({
      name: result.workflow.name,
      definition: text,
      format: /\.json$/i.test(file) ? 'json' : 'yaml',
      rootDir: dirname(file),
      sourcePath: file,
    });
    return { ...result, stored };
  }

  async list(): Promise<WorkflowSummaryDto[]> {
    return (await this.history.listWorkflows()).map(summary);
  }

  async get(id: string): Promise<WorkflowDetailDto> {
    const stored = await this.#stored(id);
    const result = this.#parse(stored);
    return { ...summary(stored), definition: stored.definition, plan: result.ok ? await this.#plan(result.workflow) : null };
  }

  /** A stored workflow validated against today's step types; 404 when unknown, 400 when no longer valid. */
  async load(id: string): Promise<LoadedWorkflow> {
    const stored = await this.#stored(id);
    const result = this.#parse(stored);
    if (!result.ok) throw invalidWorkflow(result.issues, `Workflow '${id}' is no longer valid`);
    return { stored, workflow: result.workflow };
  }

  async #stored(id: string): Promise<StoredWorkflow> {
    const stored = await this.history.getWorkflow(id);
    if (!stored) throw notFound(`No workflow '${id}'`);
    return stored;
  }

  #parse(stored: StoredWorkflow): ParseWorkflowResult {
    return parseWorkflow(stored.definition, {
      fileName: stored.sourcePath ?? undefined,
      rootDir: stored.rootDir,
      stepTypes: this.stepTypes.registry,
      format: stored.format,
    });
  }

  async #plan(workflow: Workflow) {
    return analyzeWorkflow(workflow, await this.history.stepEstimates(workflow.name));
  }

  #rootDir(dir: string | undefined): string {
    const workspace = this.options.workspace;
    if (dir === undefined || dir === '') return workspace;
    const rootDir = resolve(workspace, dir);
    const inside = relative(workspace, rootDir);
    if (isAbsolute(dir) || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
      throw badRequest('Invalid dir', [{ path: 'dir', message: `must be a folder inside the workspace, got '${dir}'` }]);
    }
    if (!isFolder(rootDir)) {
      throw badRequest('Invalid dir', [{ path: 'dir', message: `no folder '${dir}' in the workspace` }]);
    }
    return rootDir;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function summary(stored: StoredWorkflow): WorkflowSummaryDto {
  return {
    id: stored.id,
    name: stored.name,
    hash: stored.hash,
    format: stored.format,
    createdAt: stored.createdAt,
    sourcePath: stored.sourcePath,
  };
}
