import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { z } from '@weft/core';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { uuidOr404 } from '../common/uuid.pipe.js';
import { parseOr400 } from '../common/zod-validation.js';
import { ErrorDto } from '../workflows/workflow.dto.js';
import { CancelRunDto, RunIdDto, RunReportDto, RunSummaryDto, StartRunDto, StepReportDto } from './run.dto.js';
import { RunsService } from './runs.service.js';

const startRunSchema = z
  .strictObject({ maxParallel: z.number().int().min(1).max(8).optional() })
  .optional()
  .transform((value) => value ?? {});

const listRunsSchema = z.strictObject({
  workflowId: z.uuid({ message: 'must be a workflow id (a UUID)' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

@ApiTags('runs')
@ApiBearerAuth()
@ApiExtraModels(StepReportDto)
@UseGuards(ApiTokenGuard)
@Controller('api')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post('workflows/:id/runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run of a stored workflow' })
  @ApiBody({ type: StartRunDto, required: false })
  @ApiAcceptedResponse({ type: RunIdDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  start(@Param('id', uuidOr404('workflow')) workflowId: string, @Body() body: unknown): Promise<RunIdDto> {
    const options = parseOr400(startRunSchema, isEmpty(body) ? undefined : body, 'run options');
    return this.runs.start(workflowId, options);
  }

  @Get('runs')
  @ApiOperation({ summary: 'Execution history, newest first' })
  @ApiQuery({ name: 'workflowId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 50' })
  @ApiOkResponse({ type: RunSummaryDto, isArray: true })
  @ApiBadRequestResponse({ type: ErrorDto })
  list(@Query() query: Record<string, unknown>): Promise<RunSummaryDto[]> {
    return this.runs.list(parseOr400(listRunsSchema, query, 'query'));
  }

  @Get('runs/:runId')
  @ApiOperation({ summary: 'The run report (the shape of weft run --json)' })
  @ApiOkResponse({ type: RunReportDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  report(@Param('runId', uuidOr404('run')) runId: string) {
    return this.runs.report(runId);
  }

  @Get('runs/:runId/steps/:stepId/logs')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: "A step's captured stdout and stderr (live while it runs)" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: ErrorDto })
  logs(@Param('runId', uuidOr404('run')) runId: string, @Param('stepId') stepId: string): Promise<string> {
    return this.runs.log(runId, stepId);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running run' })
  @ApiAcceptedResponse({ type: CancelRunDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The run is not running' })
  cancel(@Param('runId', uuidOr404('run')) runId: string): Promise<CancelRunDto> {
    return this.runs.cancel(runId);
  }

  @Post('runs/:runId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Retry from failure: a new run reusing the unchanged steps that succeeded' })
  @ApiAcceptedResponse({ type: RunIdDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The run is still running' })
  retry(@Param('runId', uuidOr404('run')) runId: string): Promise<RunIdDto> {
    return this.runs.retry(runId);
  }
}

function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0);
}
