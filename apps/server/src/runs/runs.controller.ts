import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MAX_PARALLEL_LIMIT, z } from '@weft/core';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { uuidOr404 } from '../common/uuid.pipe.js';
import { parseOr400 } from '../common/zod-validation.js';
import { pageQueryFields, sendPage } from '../common/pagination.js';
import type { WeftRequest } from '../common/http.types.js';
import { ApiErrors, ApiStateChanging, ApiWeftRoutes, LIST_HEADERS } from '../common/api-responses.js';
import { CancelRunDto, RunIdDto, RunReportDto, RunSummaryDto, StartRunDto, StepReportDto } from './run.dto.js';
import { RunsService } from './runs.service.js';

const startRunSchema = z
  .strictObject({ maxParallel: z.number().int().min(1).max(MAX_PARALLEL_LIMIT).optional() })
  .optional()
  .transform((value) => value ?? {});

const listRunsSchema = z.strictObject({
  workflowId: z.uuid({ message: 'must be a workflow id (a UUID)' }).optional(),
  ...pageQueryFields,
});

const RUN_ID = ApiParam({ name: 'runId', schema: { type: 'string', format: 'uuid' } });

@ApiTags('runs')
@ApiWeftRoutes()
@ApiExtraModels(StepReportDto)
@UseGuards(ApiTokenGuard)
@Controller('api')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post('workflows/:id/runs')
  @HttpCode(202)
  @ApiOperation({ operationId: 'startRun', summary: 'Start a run of a stored workflow' })
  @ApiParam({ name: 'id', description: 'The workflow id', schema: { type: 'string', format: 'uuid' } })
  @ApiBody({ type: StartRunDto, required: false, description: 'Run options (JSON); no body for the defaults' })
  @ApiAcceptedResponse({ type: RunIdDto, description: 'Started: follow it at /api/runs/{runId} and /api/runs/{runId}/events' })
  @ApiErrors([400, 404], { 400: 'Invalid run options, or the stored workflow no longer validates' })
  @ApiStateChanging()
  start(@Param('id', uuidOr404('workflow')) workflowId: string, @Body() body: unknown): Promise<RunIdDto> {
    const options = parseOr400(startRunSchema, isEmpty(body) ? undefined : body, 'run options');
    return this.runs.start(workflowId, options);
  }

  @Get('runs')
  @ApiOperation({ operationId: 'listRuns', summary: 'Execution history, newest first, one page at a time' })
  @ApiQuery({ name: 'workflowId', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Only the runs of this workflow' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, description: 'Page size' })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 512 },
    description: 'The X-Next-Cursor of the previous page (opaque); an invalid one is a 400',
  })
  @ApiOkResponse({ type: RunSummaryDto, isArray: true, headers: LIST_HEADERS, description: 'One page, newest first' })
  @ApiErrors([400], { 400: 'Invalid workflowId, limit or cursor' })
  list(
    @Query() query: Record<string, unknown>,
    @Req() request: WeftRequest,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<RunSummaryDto[]> {
    const parsed = parseOr400(listRunsSchema, query, 'query');
    return sendPage(request, response, parsed, () => this.runs.list(parsed));
  }

  @Get('runs/:runId')
  @ApiOperation({ operationId: 'getRun', summary: 'The run report (the shape of weft run --json), live while it runs' })
  @RUN_ID
  @ApiOkResponse({ type: RunReportDto })
  @ApiErrors([404])
  report(@Param('runId', uuidOr404('run')) runId: string) {
    return this.runs.report(runId);
  }

  @Get('runs/:runId/steps/:stepId/logs')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ operationId: 'getStepLog', summary: "A step's captured stdout and stderr (live while it runs)" })
  @RUN_ID
  @ApiParam({ name: 'stepId', schema: { type: 'string' } })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'The log as UTF-8 text' })
  @ApiErrors([404], { 404: 'No such run, or no such step in it' })
  logs(@Param('runId', uuidOr404('run')) runId: string, @Param('stepId') stepId: string): Promise<string> {
    return this.runs.log(runId, stepId);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(202)
  @ApiOperation({ operationId: 'cancelRun', summary: 'Cancel a running run' })
  @RUN_ID
  @ApiAcceptedResponse({ type: CancelRunDto, description: "Cancelling: the run ends cancelled shortly ('cancelled' when it already was)" })
  @ApiErrors([404, 409], { 409: 'The run already ended otherwise (succeeded, failed or interrupted)' })
  @ApiStateChanging()
  cancel(@Param('runId', uuidOr404('run')) runId: string): Promise<CancelRunDto> {
    return this.runs.cancel(runId);
  }

  @Post('runs/:runId/retry')
  @HttpCode(202)
  @ApiOperation({ operationId: 'retryRun', summary: 'Retry from failure: a new run reusing the unchanged steps that succeeded' })
  @RUN_ID
  @ApiAcceptedResponse({ type: RunIdDto, description: 'The new run' })
  @ApiErrors([400, 404, 409], {
    400: 'The stored workflow no longer validates',
    409: 'The run is still running, succeeded, already has a retry in flight (named in the error), or has no stored workflow to retry',
  })
  @ApiStateChanging()
  retry(@Param('runId', uuidOr404('run')) runId: string): Promise<RunIdDto> {
    return this.runs.retry(runId);
  }
}

function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0);
}
