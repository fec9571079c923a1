import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class WorkflowPlanDto {
  @ApiProperty({ type: [String] }) steps!: string[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } }, description: '[from, to]: to waits for from' })
  edges!: [string, string][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } } }) levels!: string[][];
  @ApiProperty({ type: [String] }) criticalPath!: string[];
  @ApiProperty() idealSpeedup!: number;
}

export class CreatedWorkflowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: WorkflowPlanDto }) plan!: WorkflowPlanDto;
}

export class WorkflowSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'SHA-256 of the definition' }) hash!: string;
  @ApiProperty({ enum: ['yaml', 'json'] }) format!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The file it was loaded from (examples)' })
  sourcePath!: string | null;
}

export class WorkflowDetailDto extends WorkflowSummaryDto {
  @ApiProperty({ description: 'The document as submitted' }) definition!: string;
  @ApiProperty({ type: WorkflowPlanDto, nullable: true, description: 'Null when the stored document no longer validates' })
  plan!: WorkflowPlanDto | null;
}

export class ErrorDetailDto {
  @ApiProperty({ example: 'steps[3].timeout' }) path!: string;
  @ApiPropertyOptional() line?: number;
  @ApiPropertyOptional() column?: number;
  @ApiProperty() message!: string;
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto] }) details?: ErrorDetailDto[];
}
