import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { formatIssue } from '@weft/core';
import { logRecord } from '../logging/log-record.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { WorkflowsService } from './workflows.service.js';

const WORKFLOW_FILE = /\.(ya?ml|json)$/i;

/** Workflow files of an examples folder: `<dir>/*.yaml` and `<dir>/<name>/workflow.yaml` (or .yml, .json). */
export function findExampleWorkflows(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isFile() && WORKFLOW_FILE.test(entry.name)) files.push(path);
    if (entry.isDirectory()) {
      for (const name of ['workflow.yaml', 'workflow.yml', 'workflow.json']) {
        if (statSync(join(path, name), { throwIfNoEntry: false })?.isFile()) files.push(join(path, name));
      }
    }
  }
  return files;
}

/** Stores the workflows of `examplesDir` at startup, so a new server has something to run. */
@Injectable()
export class ExamplesLoader implements OnApplicationBootstrap {
  readonly #logger = new Logger('Examples');

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    private readonly workflows: WorkflowsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.options.examplesDir;
    if (!dir) return;
    for (const file of findExampleWorkflows(dir)) {
      try {
        const result = await this.workflows.storeFile(file);
        if (result.ok) this.#logger.log(logRecord('example workflow stored', { workflowId: result.stored?.id, file }));
        else this.#logger.warn(logRecord('example workflow is invalid', { file, issues: result.issues.map((i) => formatIssue(i)) }));
      } catch (error) {
        this.#logger.warn(logRecord('example workflow could not be stored', { file, error: String(error) }));
      }
    }
  }
}
