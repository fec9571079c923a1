import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res, UnsupportedMediaTypeException, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { WorkflowFormat } from '@weft/history';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { uuidOr404 } from '../common/uuid.pipe.js';
import { badRequest, invalidWorkflow, refuseUnknownQuery } from '../common/errors.js';
import { pageQueryFields, sendPage } from '../common/pagination.js';
import { parseOr400 } from '../common/zod-validation.js';
import { decodeUtf8, z } from '@weft/core';
import type { WeftRequest } from '../common/http.types.js';
import { ApiErrors, ApiStateChanging, ApiWeftRoutes, LIST_HEADERS } from '../common/api-responses.js';
import { CreatedWorkflowDto, WORKFLOW_DOCUMENT_SCHEMA, WorkflowDetailDto, WorkflowSummaryDto } from './workflow.dto.js';
import { WorkflowsService } from './workflows.service.js';
import { isJsonType, isYamlType, mediaTypeOf, YAML_TYPES } from '../security/media-types.js';

const listWorkflowsSchema = z.strictObject(pageQueryFields);

/** Content types a workflow may be sent as: YAML ({@link YAML_TYPES}) or JSON. */
export { YAML_TYPES };

function formatOf(contentType: string | undefined): WorkflowFormat | null {
  const type = mediaTypeOf(contentType);
  if (isYamlType(type)) return 'yaml';
  if (isJsonType(type)) return 'json';
  return null;
}

@ApiTags('workflows')
@ApiWeftRoutes()
@UseGuards(ApiTokenGuard)
@Controller('api/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @ApiOperation({
    operationId: 'createWorkflow',
    summary: 'Validate and store a workflow (YAML or JSON); returns its plan',
    requestBody: {
      required: true,
      description:
        'The workflow document (docs/workflows.md): a JSON object, or YAML text. YAML is also taken as application/x-yaml, text/yaml and text/x-yaml.',
      content: {
        'application/json': { schema: WORKFLOW_DOCUMENT_SCHEMA },
        'application/yaml': { schema: { type: 'string', example: 'steps:\n  - { id: hello, type: shell, run: echo hello }\n' } },
      },
    },
  })
  @ApiQuery({
    name: 'dir',
    required: false,
    schema: { type: 'string' },
    description: 'A folder inside the server workspace (WEFT_WORKSPACE) its scripts resolve in; default the workspace itself',
  })
  @ApiCreatedResponse({ type: CreatedWorkflowDto, description: 'Stored: its id, name and plan' })
  @ApiErrors([400], { 400: 'Invalid workflow or dir, or an unknown query parameter: details has each path (line, column) and message' })
  @ApiStateChanging()
  create(
    @Req() request: WeftRequest,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: Record<string, unknown> = {},
  ): Promise<CreatedWorkflowDto> {
    const format = formatOf(contentType);
    if (format === null) {
      // The same-origin middleware answers this first; this holds where it is not installed.
      throw new UnsupportedMediaTypeException({
        statusCode: 415,
        error: `Unsupported content type '${contentType ?? ''}': send the workflow as application/yaml or application/json`,
      });
    }
    if (request.rawBody) {
      // The body parsers decode loosely (a bad byte becomes U+FFFD): a workflow must be UTF-8 text.
      const decoded = decodeUtf8(request.rawBody);
      if ('issue' in decoded) throw invalidWorkflow([decoded.issue], 'The request body is not UTF-8 text');
    }
    const text = typeof body === 'string' ? body : (request.rawBody?.toString('utf8') ?? JSON.stringify(body, null, 2));
    if (!text?.trim() || (format === 'json' && body === undefined)) throw badRequest('The request body is empty: send a workflow document', [{ path: '', message: 'the body is empty; send a workflow as YAML or JSON' }]);
    refuseUnknownQuery(query, ['dir']);
    const { dir } = query;
    if (typeof dir !== 'undefined' && typeof dir !== 'string') throw badRequest('Invalid dir', [{ path: 'dir', message: 'must be one folder' }]);
    return this.workflows.create(text, format, dir);
  }

  @Get()
  @ApiOperation({ operationId: 'listWorkflows', summary: 'Stored workflows, newest first, one page at a time' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, description: 'Page size' })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 512 },
    description: 'The X-Next-Cursor of the previous page (opaque); an invalid one is a 400',
  })
  @ApiOkResponse({ type: WorkflowSummaryDto, isArray: true, headers: LIST_HEADERS, description: 'One page, newest first' })
  @ApiErrors([400], { 400: 'Invalid limit or cursor' })
  list(
    @Query() query: Record<string, unknown>,
    @Req() request: WeftRequest,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<WorkflowSummaryDto[]> {
    const parsed = parseOr400(listWorkflowsSchema, query, 'query');
    return sendPage(request, response, parsed, () => this.workflows.list(parsed));
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWorkflow', summary: 'A stored workflow with its definition and plan' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: WorkflowDetailDto })
  @ApiErrors([404])
  get(@Param('id', uuidOr404('workflow')) id: string): Promise<WorkflowDetailDto> {
    return this.workflows.get(id);
  }
}

