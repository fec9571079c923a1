import * as path from 'node:path';
import type { z } from 'zod';
import type { ValidationIssue } from '../errors/workflow-validation.error';
import { formatCycle } from '../errors/cycle-detected.error';
import { buildGraph } from '../graph/workflow-graph';
import { findCycles } from '../graph/find-cycles';
import type { StepTypeRegistry } from '../step-type/step-type';
import { checkNulCharacters } from './check-nul';
import { checkReferences } from './check-references';
import { describeValue, isRecord } from './describe-value';
import { IssueList } from './issue-list';
import { detectFormat, readDocument, type SourceDocument, type WorkflowFormat } from './read-document';
import { didYouMean } from './suggest';
import { validateStep } from './validate-step';
import {
  DEFAULT_MAX_PARALLEL,
  issueMessage,
  STEP_ID_PATTERN,
  WORKFLOW_FIELD_NAMES,
  type WorkflowField,
  workflowFields,
} from './workflow.schema';
import type { StepDefinition, Workflow } from './workflow.types';

/** Options of {@link validateWorkflowDocument}. */
export interface ValidateWorkflowOptions {
  /** Name of the file the text came from: gives the default workflow name. */
  readonly fileName?: string;
  /** Folder scripts resolve in and must stay inside (made absolute). */
  readonly rootDir: string;
  /** The step types `type:` may name; their schemas validate the type-specific fields. */
  readonly stepTypes: StepTypeRegistry;
}

/** Options of {@link parseWorkflow}. */
export interface ParseWorkflowOptions {
  /** Name of the file the text came from: picks the format and the default workflow name. */
  readonly fileName?: string;
  /** Folder scripts resolve in and must stay inside (made absolute). */
  readonly rootDir: string;
  /** The step types `type:` may name; their schemas validate the type-specific fields. */
  readonly stepTypes: StepTypeRegistry;
  /** The text's format. @default by `fileName` extension, else by content */
  readonly format?: WorkflowFormat;
}

/** The outcome of {@link parseWorkflow}: the workflow, or every problem found in it. */
export type ParseWorkflowResult =
  | { readonly ok: true; readonly workflow: Workflow; readonly issues: [] }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

const WORKFLOW_FIELDS = new Set<string>(WORKFLOW_FIELD_NAMES);

/**
 * Parses and validates a workflow document (YAML or JSON).
 *
 * 1. Reads the text keeping source positions; syntax errors end here.
 * 2. Checks the top-level fields with their schemas (unknown fields are errors).
 * 3. Collects the step ids (format, duplicates), then checks every step: common fields, step type,
 *    references, type-specific fields, paths.
 * 4. Reports every cycle among the dependencies that resolve, beside any other error.
 *
 * Every problem is reported — with its path, line and column — not only the first; issues are sorted
 * by line. Never throws on bad input.
 */
export function parseWorkflow(text: string, options: ParseWorkflowOptions): ParseWorkflowResult {
  return validateWorkflowDocument(readDocument(text, detectFormat(text, options.fileName, options.format)), options);
}

/**
 * Validates a document read by `readDocument` (steps 2 to 4 of {@link parseWorkflow}): a server
 * reads documents in a worker thread, then validates them against its step types here.
 */
export function validateWorkflowDocument(document: SourceDocument, options: ValidateWorkflowOptions): ParseWorkflowResult {
  if (document.issues.length > 0) return { ok: false, issues: document.issues };
  const issues = new IssueList(document.sourceMap);
  const raw = document.value;
  if (!isRecord(raw)) {
    const got = document.empty ? 'an empty document' : describeValue(raw);
    issues.add([], `expected a workflow: a mapping with a list of steps, got ${got}`);
    return { ok: false, issues: issues.sorted() };
  }

  checkNulCharacters(raw, issues);
  const top = checkTopLevel(raw, issues);
  const steps = top.steps ?? [];
  const stepIds = collectStepIds(steps, issues);

  const context = {
    issues,
    stepTypes: options.stepTypes,
    rootDir: path.resolve(options.rootDir),
    pools: top.poolsValid ? new Set(Object.keys(top.pools)) : undefined,
    stepIds,
  };
  const definitions: StepDefinition[] = [];
  // Steps with other errors still take part in cycle detection, so every error shows at once.
  const graphSteps: StepDefinition[] = [];
  steps.forEach((step, index) => {
    const definition = validateStep(step, index, context);
    if (definition) definitions.push(definition);
    const skeleton = definition ?? graphSkeleton(step, index, stepIds);
    // The first step of an id stands for it (as references resolve); a duplicate is reported.
    if (skeleton && stepIds.get(skeleton.id) === index) graphSteps.push(skeleton);
  });

  // The dependencies that resolve are a part of the graph meant: a cycle among them is one in the
  // graph meant too, so cycles are reported even beside other errors (a self-dependency has its own).
  const cycles = findCycles(buildGraph({ steps: graphSteps })).filter((cycle) => new Set(cycle).size > 1);
  for (const cycle of cycles) {
    issues.add(['steps', stepIds.get(cycle[0]) ?? 0, 'needs'], formatCycle(cycle));
  }

  if (issues.size > 0) return { ok: false, issues: issues.sorted() };
  return {
    ok: true,
    issues: [],
    workflow: {
      name: top.name ?? defaultName(options.fileName),
      maxParallel: top.maxParallel,
      pools: top.pools,
      env: top.env,
      failFast: top.failFast,
      steps: definitions,
      rootDir: context.rootDir,
    },
  };
}

function defaultName(fileName: string | undefined): string {
  return fileName ? path.basename(fileName, path.extname(fileName)) || 'workflow' : 'workflow';
}

interface TopLevel {
  name?: string;
  maxParallel: number;
  pools: Record<string, number>;
  poolsValid: boolean;
  env: Record<string, string>;
  failFast: boolean;
  steps?: unknown[];
}

function checkTopLevel(raw: Record<string, unknown>, issues: IssueList): TopLevel {
  for (const key of Object.keys(raw)) {
    if (!WORKFLOW_FIELDS.has(key)) {
      issues.add(
        [key],
        `unknown field '${key}'${didYouMean(key, WORKFLOW_FIELD_NAMES)}; allowed fields: ${WORKFLOW_FIELD_NAMES.join(', ')}`,
        { key: true },
      );
    }
  }
  const valid = new Set<WorkflowField>();
  const field = <K extends WorkflowField>(name: K) => {
    if (!(name in raw)) return undefined;
    const result = workflowFields[name].safeParse(raw[name], { reportInput: true });
    if (result.success) {
      valid.add(name);
      return result.data as z.output<(typeof workflowFields)[K]>;
    }
    for (const issue of result.error.issues) {
      issues.add([name, ...(issue.path as (string | number)[])], issueMessage(issue, workflowFields[name]), {
        key: issue.code === 'invalid_key',
      });
    }
    return undefined;
  };

  if (!('steps' in raw))
    issues.add(['steps'], "missing required field 'steps': a list of steps, each with an id and a type");
  const maxParallel = field('maxParallel') ?? DEFAULT_MAX_PARALLEL;
  const pools = field('pools') ?? {};
  for (const [name, limit] of Object.entries(pools)) {
    if (limit > maxParallel) {
      issues.add(['pools', name], `must be an integer from 1 to maxParallel (${maxParallel}), got ${limit}`);
    }
  }
  const env = field('env') ?? {};
  checkReferences(raw.env, ['env'], 'static', {
    issues,
    stepIds: new Map(),
    inForeach: false,
  });
  return {
    name: field('name'),
    maxParallel,
    pools,
    poolsValid: !('pools' in raw) || valid.has('pools'),
    env,
    failFast: field('failFast') ?? false,
    steps: field('steps'),
  };
}

/** Maps each valid step id to the index of its first step; reports duplicates at the later ones. */
/** The dependencies of a step that failed validation: its `needs` and the references in its fields. */
function graphSkeleton(raw: unknown, index: number, stepIds: ReadonlyMap<string, number>): StepDefinition | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'string' || stepIds.get(raw.id) !== index) return undefined;
  const { id, needs, ...fields } = raw;
  const listed = typeof needs === 'string' ? [needs] : Array.isArray(needs) ? needs : [];
  return {
    id,
    type: String(fields.type),
    index,
    needs: listed.filter((need): need is string => typeof need === 'string' && stepIds.has(need)),
    inputs: {},
    retries: 0,
    retryDelayMs: 0,
    continueOnError: false,
    env: {},
    config: fields,
  };
}

function collectStepIds(steps: readonly unknown[], issues: IssueList): Map<string, number> {
  const ids = new Map<string, number>();
  steps.forEach((step, index) => {
    const id = isRecord(step) ? step.id : undefined;
    if (typeof id !== 'string' || !STEP_ID_PATTERN.test(id)) return; // reported by validateStep
    const first = ids.get(id);
    if (first === undefined) {
      ids.set(id, index);
      return;
    }
    const line = issues.locate(['steps', first, 'id'])?.line;
    issues.add(
      ['steps', index, 'id'],
      `duplicate step id '${id}': already used by steps[${first}]${line ? ` at line ${line}` : ''}; step ids must be unique`,
    );
  });
  return ids;
}
