import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from '@weft/core';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ApiWeftRoutes } from '../common/api-responses.js';
import { StepTypeDto } from './step-type.dto.js';
import { StepTypesLoader } from './step-types.loader.js';

@ApiTags('step-types')
@ApiWeftRoutes()
@UseGuards(ApiTokenGuard)
@Controller('api/step-types')
export class StepTypesController {
  constructor(private readonly loader: StepTypesLoader) {}

  @Get()
  @ApiOperation({ operationId: 'listStepTypes', summary: 'Registered step types with the JSON schema of their own fields' })
  @ApiOkResponse({ type: StepTypeDto, isArray: true })
  list(): StepTypeDto[] {
    return this.loader.registry.names().map((name) => {
      const type = this.loader.registry.get(name)!;
      return {
        name,
        description: type.description,
        schema: jsonSchema(type.configSchema),
        codeFields: [...(type.codeFields ?? [])],
        pathFields: [...(type.pathFields ?? [])],
      };
    });
  }
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}
