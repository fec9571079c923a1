import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { MAX_PARALLEL_LIMIT, type RunStatus, type StepStatus } from '@weft/core';

const RUN_STATUSES: RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'];
const STEP_STATUSES: StepStatus[] = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'];

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const REASON =
  'Why it ended other than in success: exit_code, signal, timeout, cancelled, invalid_outputs, outputs_too_large, ' +
  'spawn_error, invalid_foreach, condition_error, server_lost, error; or, skipped: condition_false, upstream_failed, upstream_skipped';

/** A step's or item's outputs object (what it wrote to WEFT_OUTPUTS). */
const OUTPUTS_OBJECT: SchemaObject = { type: 'object', additionalProperties: true };

export class StartRunDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PARALLEL_LIMIT, description: "Overrides the workflow's maxParallel" })
  maxParallel?: number;
}

export class RunIdDto {
  @ApiProperty(uuid) runId!: string;
}

export class CancelRunDto extends RunIdDto {
  @ApiProperty({ enum: ['cancelling', 'cancelled'], description: "'cancelled' when the run was already cancelled: cancelling twice is harmless" })
  status!: 'cancelling' | 'cancelled';
}

export class RunSummaryDto {
  @ApiProperty(uuid) runId!: string;
  @ApiProperty({ ...uuid, nullable: true, description: 'The stored workflow it ran (null for runs recorded by the CLI)' })
  workflowId!: string | null;
  @ApiProperty({ type: 'string', description: 'Workflow name' }) workflow!: string;
  @ApiProperty({ enum: RUN_STATUSES, enumName: 'RunStatus' }) status!: RunStatus;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PARALLEL_LIMIT }) maxParallel!: number;
  @ApiProperty(dateTime) startedAt!: string;
  @ApiProperty({ ...dateTime, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Wall time (null until it ends)' }) makespanMs!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Sum of step durations' }) sequentialMs!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'sequentialMs / makespanMs' }) speedup!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'sequentialMs / critical path' }) idealSpeedup!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Most step processes running at one instant' })
  peakParallelism!: number | null;
  @ApiProperty({ ...uuid, nullable: true, description: 'The run this one retried' }) retryOf!: string | null;
}

/** One item of a `foreach` step. */
export class ItemReportDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) index!: number;
  @ApiProperty({ enum: STEP_STATUSES, enumName: 'StepStatus' }) status!: StepStatus;
  @ApiProperty({ ...dateTime, nullable: true }) startedAt!: string | null;
  @ApiProperty({ ...dateTime, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) exitCode!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) signal!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) attempts!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) outputs!: Record<string, unknown> | null;
  @ApiProperty({ type: 'string', nullable: true, description: REASON }) reason!: string | null;
}

export class StepReportDto {
  @ApiProperty({ enum: STEP_STATUSES, enumName: 'StepStatus' }) status!: StepStatus;
  @ApiProperty({ ...dateTime, nullable: true }) startedAt!: string | null;
  @ApiProperty({ ...dateTime, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: "From its first process's start to its last's end" })
  durationMs!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) exitCode!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) signal!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts made (for a foreach step, the most any item needed)' })
  attempts!: number;
  @ApiProperty({
    // OpenAPI 3.0 has no null type: the object branch is the nullable one.
    oneOf: [{ ...OUTPUTS_OBJECT, nullable: true }, { type: 'array', items: { ...OUTPUTS_OBJECT, nullable: true } }],
    description: "Its outputs: an object, or for a foreach step the array of the items' outputs in order; null before it ends",
  })
  outputs!: Record<string, unknown> | (Record<string, unknown> | null)[] | null;
  @ApiProperty({ type: 'string', nullable: true, description: REASON }) reason!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'A one-line explanation of a failure or skip' }) message!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, description: 'Slot 0..maxParallel-1 its first process ran in' })
  lane!: number | null;
  @ApiProperty({ type: 'boolean', description: "True when a retry reused an earlier run's outputs" }) reused!: boolean;
  @ApiPropertyOptional({ type: [ItemReportDto], description: 'Per-item results of a foreach step' }) items?: ItemReportDto[];
}

export class RunReportDto {
  @ApiProperty(uuid) runId!: string;
  @ApiProperty({ type: 'string', description: 'Workflow name' }) workflow!: string;
  @ApiProperty({ ...uuid, nullable: true, description: 'The stored workflow it ran (null for runs recorded by the CLI)' })
  workflowId!: string | null;
  @ApiProperty({ enum: RUN_STATUSES, enumName: 'RunStatus' }) status!: RunStatus;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PARALLEL_LIMIT }) maxParallel!: number;
  @ApiProperty(dateTime) startedAt!: string;
  @ApiProperty({ ...dateTime, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: 'integer', description: 'Wall time of the run (so far, while it runs)' }) makespanMs!: number;
  @ApiProperty({ type: 'integer', description: 'Sum of step durations: the run one step at a time' }) sequentialMs!: number;
  @ApiProperty({ type: 'number', description: 'sequentialMs / makespanMs, 2 decimals' }) speedup!: number;
  @ApiProperty({ type: 'number', description: 'sequentialMs / critical-path time, 2 decimals' }) idealSpeedup!: number;
  @ApiProperty({ type: 'integer', description: 'Most step processes running at one instant' }) peakParallelism!: number;
  @ApiProperty({ type: 'array', items: { type: 'string' }, description: "The critical path on this run's durations" })
  criticalPath!: string[];
  @ApiProperty({ ...uuid, nullable: true, description: 'The run this one retried' }) retryOf!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/StepReportDto' }, description: 'By step id' })
  steps!: Record<string, StepReportDto>;
}
