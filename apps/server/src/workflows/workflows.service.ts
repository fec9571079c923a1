import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { realpathSync, statSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import {
  analyzeWorkflow,
  detectFormat,
  hasControlCharacter,
  validateWorkflowDocument,
  type ParseWorkflowResult,
  type Workflow,
} from '@weft/core';
import { HistoryStore, type Page, type StoredWorkflow, type WorkflowFormat, type WorkflowSummary } from '@weft/history';
import { badRequest, invalidWorkflow, notFound } from '../common/errors.js';
import { LruCache } from '../common/lru-cache.js';
import { StepTypesLoader } from '../step-types/step-types.loader.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { DocumentReader, DocumentTooComplexError } from './document-reader.js';
import type { CreatedWorkflowDto, WorkflowDetailDto, WorkflowSummaryDto } from './workflow.dto.js';

/** A stored workflow with its validated form, ready to run. */
export interface LoadedWorkflow {
  readonly stored: StoredWorkflow;
  readonly workflow: Workflow;
}

/** Validated stored workflows kept in memory: at most this many… */
const CACHED_WORKFLOWS = 500;
/** …standing for at most this many characters of definitions. */
const CACHED_CHARACTERS = 64 * 1024 * 1024;

/**
 * Validates, stores and loads workflow documents.
 *
 * Documents are read (YAML or JSON → value and positions) on worker threads by the
 * {@link DocumentReader}, then validated here against the registered step types. A stored workflow
 * is immutable, so its validation is kept (by id) and a read or run does not parse it again.
 */
@Injectable()
export class WorkflowsService {
  readonly #validated = new LruCache<string, ParseWorkflowResult>(CACHED_WORKFLOWS, CACHED_CHARACTERS);

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    private readonly history: HistoryStore,
    private readonly stepTypes: StepTypesLoader,
    private readonly reader: DocumentReader,
  ) {}

  /**
   * Validates a document sent over the API and stores it. Its scripts resolve in the workspace,
   * or in `dir`, a folder inside it (links followed).
   */
  async create(text: string, format: WorkflowFormat | undefined, dir?: string): Promise<CreatedWorkflowDto> {
    const rootDir = this.#rootDir(dir);
    const documentFormat = format ?? detectFormat(text);
    const result = await this.#validate(text, documentFormat, { rootDir });
    if (!result.ok) throw invalidWorkflow(result.issues);
    const stored = await this.history.saveWorkflow({ name: result.workflow.name, definition: text, format: documentFormat, rootDir });
    this.#validated.set(stored.id, result, text.length);
    return { id: stored.id, name: stored.name, plan: await this.#plan(result.workflow) };
  }

  /** Stores a workflow file (e.g. from `examples/`); its scripts resolve in its own folder. */
  async storeFile(file: string): Promise<ParseWorkflowResult & { stored?: StoredWorkflow }> {
    const text = await readFile(file, 'utf8');
    const format = detectFormat(text, file);
    const result = await this.#validate(text, format, { rootDir: dirname(file), fileName: file });
    if (!result.ok) return result;
    const stored = await this.history.saveWorkflow({
      name: result.workflow.name,
      definition: text,
      format,
      rootDir: dirname(file),
      sourcePath: file,
    });
    this.#validated.set(stored.id, result, text.length);
    return { ...result, stored };
  }

  /** One page of the stored workflows, newest first. */
  async list(query: { limit?: number; cursor?: string }): Promise<Page<WorkflowSummaryDto>> {
    const page = await this.history.listWorkflows(query);
    return { items: page.items.map(summary), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<WorkflowDetailDto> {
    const stored = await this.#stored(id);
    const result = await this.#parse(stored);
    return { ...summary(stored), definition: stored.definition, plan: result.ok ? await this.#plan(result.workflow) : null };
  }

  /** A stored workflow validated against today's step types; 404 when unknown, 400 when no longer valid. */
  async load(id: string): Promise<LoadedWorkflow> {
    const stored = await this.#stored(id);
    const result = await this.#parse(stored);
    if (!result.ok) throw invalidWorkflow(result.issues, `Workflow '${id}' is no longer valid`);
    return { stored, workflow: result.workflow };
  }

  async #stored(id: string): Promise<StoredWorkflow> {
    const stored = await this.history.getWorkflow(id);
    if (!stored) throw notFound(`No workflow '${id}'`);
    return stored;
  }

  async #parse(stored: StoredWorkflow): Promise<ParseWorkflowResult> {
    const cached = this.#validated.get(stored.id);
    if (cached) return cached;
    const result = await this.#validate(stored.definition, stored.format, {
      rootDir: stored.rootDir,
      fileName: stored.sourcePath ?? undefined,
    });
    this.#validated.set(stored.id, result, stored.definition.length);
    return result;
  }

  /** Reads the text on a worker thread, then validates it here. */
  async #validate(text: string, format: WorkflowFormat, where: { rootDir: string; fileName?: string }): Promise<ParseWorkflowResult> {
    let document;
    try {
      document = await this.reader.read(text, format);
    } catch (error) {
      if (!(error instanceof DocumentTooComplexError)) throw error;
      return { ok: false, issues: [{ path: '', message: `${error.message}; split it into smaller workflows` }] };
    }
    return validateWorkflowDocument(document, { ...where, stepTypes: this.stepTypes.registry });
  }

  async #plan(workflow: Workflow) {
    return analyzeWorkflow(workflow, await this.history.stepEstimates(workflow.name));
  }

  /** The folder a workflow sent over the API resolves its scripts in: the workspace or `dir` inside it, links followed. */
  #rootDir(dir: string | undefined): string {
    const workspace = realpathSync(this.options.workspace);
    if (dir === undefined || dir === '') return workspace;
    const invalid = (message: string) => badRequest('Invalid dir', [{ path: 'dir', message }]);
    if (hasControlCharacter(dir)) throw invalid('must be a folder name without control characters');
    const lexical = resolve(workspace, dir);
    if (isAbsolute(dir) || !isInside(workspace, lexical) || dir.split(/[\\/]/).includes('..')) {
      throw invalid(`must be a folder inside the workspace, got '${dir}'`);
    }
    let real: string;
    try {
      real = realpathSync(lexical);
    } catch {
      throw invalid(`no folder '${dir}' in the workspace`);
    }
    if (!isInside(workspace, real)) {
      throw invalid(`must be a folder inside the workspace: '${dir}' is a link to ${real}, outside it`);
    }
    if (!statSync(real).isDirectory()) throw invalid(`'${dir}' is not a folder`);
    return real;
  }
}

function isInside(root: string, target: string): boolean {
  const inside = relative(root, target);
  return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
}

function summary(stored: WorkflowSummary): WorkflowSummaryDto {
  return {
    id: stored.id,
    name: stored.name,
    hash: stored.hash,
    format: stored.format,
    createdAt: stored.createdAt,
    sourcePath: stored.sourcePath,
  };
}
