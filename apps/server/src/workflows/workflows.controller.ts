import { Body, Controller, Get, Headers, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { WorkflowFormat } from '@weft/history';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { uuidOr404 } from '../common/uuid.pipe.js';
import { badRequest } from '../common/errors.js';
import type { WeftRequest } from '../common/http.types.js';
import { CreatedWorkflowDto, ErrorDto, WorkflowDetailDto, WorkflowSummaryDto } from './workflow.dto.js';
import { WorkflowsService } from './workflows.service.js';

/** Content types a workflow may be sent as. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
export const TEXT_TYPES = [...YAML_TYPES, 'text/plain'];

function formatOf(contentType: string | undefined): WorkflowFormat | undefined | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (YAML_TYPES.includes(type)) return 'yaml';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'text/plain') return undefined;
  return null;
}

@ApiTags('workflows')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller('api/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @ApiOperation({ summary: 'Validate and store a workflow (YAML or JSON); returns its plan' })
  @ApiConsumes(...YAML_TYPES, 'application/json', 'text/plain')
  @ApiBody({ description: 'The workflow document', schema: { type: 'string' } })
  @ApiQuery({ name: 'dir', required: false, description: 'Folder inside WEFT_WORKSPACE its scripts resolve in' })
  @ApiCreatedResponse({ type: CreatedWorkflowDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Invalid workflow: details has each path, line, column and message' })
  create(
    @Req() request: WeftRequest,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('dir') dir?: string,
  ): Promise<CreatedWorkflowDto> {
    const format = formatOf(contentType);
    if (format === null) {
      throw badRequest(`Unsupported content type '${contentType ?? ''}': send the workflow as application/yaml or application/json`);
    }
    const text = typeof body === 'string' ? body : (request.rawBody?.toString('utf8') ?? JSON.stringify(body, null, 2));
    if (!text?.trim() || (format === 'json' && body === undefined)) throw badRequest('The request body is empty: send a workflow document');
    if (typeof dir !== 'undefined' && typeof dir !== 'string') throw badRequest('Invalid dir', [{ path: 'dir', message: 'must be one folder' }]);
    return this.workflows.create(text, format, dir);
  }

  @Get()
  @ApiOperation({ summary: 'Stored workflows, newest first' })
  @ApiOkResponse({ type: WorkflowSummaryDto, isArray: true })
  list(): Promise<WorkflowSummaryDto[]> {
    return this.workflows.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'A stored workflow with its definition and plan' })
  @ApiOkResponse({ type: WorkflowDetailDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param('id', uuidOr404('workflow')) id: string): Promise<WorkflowDetailDto> {
    return this.workflows.get(id);
  }
}

