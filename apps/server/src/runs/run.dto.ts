import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StartRunDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 8, description: "Overrides the workflow's maxParallel" })
  maxParallel?: number;
}

export class RunIdDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
}

export class CancelRunDto extends RunIdDto {
  @ApiProperty({ enum: ['cancelling'] }) status!: 'cancelling';
}

export class RunSummaryDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ nullable: true, type: String }) workflowId!: string | null;
  @ApiProperty({ description: 'Workflow name' }) workflow!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] }) status!: string;
  @ApiProperty() maxParallel!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) makespanMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) sequentialMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) speedup!: number | null;
  @ApiProperty({ nullable: true, type: Number }) idealSpeedup!: number | null;
  @ApiProperty({ nullable: true, type: Number }) peakParallelism!: number | null;
  @ApiProperty({ nullable: true, type: String }) retryOf!: string | null;
}

export class StepReportDto {
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) exitCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) signal!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'An object, or for a foreach step the array of item outputs' }) outputs!: unknown;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lane!: number | null;
  @ApiProperty() reused!: boolean;
}

export class RunReportDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty() workflow!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The stored workflow it ran (null for runs recorded by the CLI)' })
  workflowId!: string | null;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] }) status!: string;
  @ApiProperty() maxParallel!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty() makespanMs!: number;
  @ApiProperty() sequentialMs!: number;
  @ApiProperty() speedup!: number;
  @ApiProperty() idealSpeedup!: number;
  @ApiProperty() peakParallelism!: number;
  @ApiProperty({ type: [String] }) criticalPath!: string[];
  @ApiProperty({ nullable: true, type: String }) retryOf!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/StepReportDto' } })
  steps!: Record<string, StepReportDto>;
}
