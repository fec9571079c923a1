import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { DEFAULT_MAX_PARALLEL, MAX_PARALLEL_LIMIT } from '@weft/core';

const STEP_IDS = { type: 'array', items: { type: 'string' } } as const;

export class WorkflowPlanDto {
  @ApiProperty({ ...STEP_IDS, description: 'Step ids in declaration order' }) steps!: string[];
  @ApiProperty({
    type: 'array',
    items: { ...STEP_IDS, minItems: 2, maxItems: 2 },
    description: 'Dependency edges [from, to]: to waits for from',
  })
  edges!: [string, string][];
  @ApiProperty({ type: 'array', items: STEP_IDS, description: 'Parallel levels: level k holds the steps whose longest dependency chain has k steps' })
  levels!: string[][];
  @ApiProperty({ ...STEP_IDS, description: 'The longest chain by estimated duration' }) criticalPath!: string[];
  @ApiProperty({ type: 'number', description: 'Sum of estimated durations / critical-path length' }) idealSpeedup!: number;
}

export class CreatedWorkflowDto {
  @ApiProperty({ type: 'string', format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'string' }) name!: string;
  @ApiProperty({ type: WorkflowPlanDto }) plan!: WorkflowPlanDto;
}

export class WorkflowSummaryDto {
  @ApiProperty({ type: 'string', format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'string' }) name!: string;
  @ApiProperty({ type: 'string', description: 'SHA-256 (hex) of the definition' }) hash!: string;
  @ApiProperty({ enum: ['yaml', 'json'], enumName: 'WorkflowFormat', description: 'How the definition is written' })
  format!: 'yaml' | 'json';
  @ApiProperty({ type: 'string', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'The file it was loaded from (the examples); null when sent over the API' })
  sourcePath!: string | null;
}

export class WorkflowDetailDto extends WorkflowSummaryDto {
  @ApiProperty({ type: 'string', description: 'The document text as submitted (YAML or JSON, see format)' }) definition!: string;
  @ApiProperty({ type: WorkflowPlanDto, nullable: true, description: 'Null when the stored document no longer validates' })
  plan!: WorkflowPlanDto | null;
}

export class ErrorDetailDto {
  @ApiProperty({ type: 'string', example: 'steps[3].timeout', description: 'Path of the bad field ("" for the whole body)' }) path!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Line in the document (1-based)' }) line?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Column in the document (1-based)' }) column?: number;
  @ApiProperty({ type: 'string' }) message!: string;
}

/** The one error body: `{ statusCode, error, details? }`. */
export class ErrorDto {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status' }) statusCode!: number;
  @ApiProperty({ type: 'string', description: 'What went wrong, in one sentence' }) error!: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'Each problem of an invalid request' }) details?: ErrorDetailDto[];
}

// The workflow document (docs/workflows.md) as a JSON request body. The server validates it fully (step
// types' own fields included); this schema states the shape a client can check before sending.

const scalar: SchemaObject = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };
const envMap: SchemaObject = {
  type: 'object',
  description: 'Environment variables (names of letters, digits and _) with scalar values',
  additionalProperties: scalar,
};
const duration: SchemaObject = {
  oneOf: [
    { type: 'string', example: '30s', description: '"500ms", "30s", "1.5s", "2m", "1h" or a string of digits (ms)' },
    { type: 'integer', minimum: 0, description: 'Milliseconds' },
  ],
};

/** One step: the fields every step type shares; the type's own fields (`run`, `script`, …) are additional properties. */
export const STEP_DEFINITION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'type'],
  description: "A step. Its type's own fields (`run`, `script`, `code`, `args`, …) are declared by the step type (GET /api/step-types).",
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$', maxLength: 200 },
    type: { type: 'string', description: 'A registered step type', example: 'shell' },
    needs: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Step id or ids it waits for' },
    inputs: { type: 'object', additionalProperties: true, description: 'Values for the step; `${steps.<id>.outputs…}` references allowed' },
    if: { oneOf: [{ type: 'string' }, { type: 'boolean' }], description: "Condition, e.g. steps.check.outputs.ok == true" },
    foreach: {
      oneOf: [{ type: 'string' }, { type: 'array', items: {} }],
      description: 'Fan-out: a literal array, or a reference to one; the step runs once per item',
    },
    timeout: duration,
    retries: { type: 'integer', minimum: 0, maximum: 10 },
    retryDelay: duration,
    continueOnError: { type: 'boolean' },
    pool: { type: 'string', description: 'A name from the workflow pools' },
    env: envMap,
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        memoryMb: { type: 'integer', minimum: 16, maximum: 1_048_576 },
        cpuSeconds: { type: 'integer', minimum: 1, maximum: 604_800 },
      },
    },
  },
  additionalProperties: true,
};

/** A workflow document sent as JSON. */
export const WORKFLOW_DOCUMENT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['steps'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, description: 'Defaults to "workflow"; one line, no control characters' },
    maxParallel: { type: 'integer', minimum: 1, maximum: MAX_PARALLEL_LIMIT, default: DEFAULT_MAX_PARALLEL, description: 'Steps running at once in a run' },
    pools: {
      type: 'object',
      additionalProperties: { type: 'integer', minimum: 1, maximum: MAX_PARALLEL_LIMIT },
      description: 'Named sub-limits, each 1..maxParallel',
    },
    env: envMap,
    failFast: { type: 'boolean', description: 'Cancel the rest when a step fails' },
    steps: { type: 'array', minItems: 1, items: STEP_DEFINITION_SCHEMA },
  },
};
