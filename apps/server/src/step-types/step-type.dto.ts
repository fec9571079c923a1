import { ApiProperty } from '@nestjs/swagger';

export class StepTypeDto {
  @ApiProperty({ example: 'python' })
  name!: string;
  @ApiProperty()
  description!: string;
  @ApiProperty({ description: 'JSON schema of the type-specific fields', type: 'object', additionalProperties: true })
  schema!: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Fields run as code: references there are errors' })
  codeFields!: string[];
  @ApiProperty({ type: [String], description: 'Fields holding paths that must stay inside the workflow folder' })
  pathFields!: string[];
}
