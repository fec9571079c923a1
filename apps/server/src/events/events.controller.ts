import { Controller, NotFoundException, Param, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HistoryStore } from '@weft/history';
import { from, map, type Observable } from 'rxjs';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ApiErrors, ApiWeftRoutes } from '../common/api-responses.js';
import { uuidOr404 } from '../common/uuid.pipe.js';
import { eventsFromReport } from './history-events.js';
import { RunEventStreams } from './run-event-streams.js';

/** What the OpenAPI document says of the stream. */
const EVENTS_DESCRIPTION = `A text/event-stream. Each message has an \`id:\` line (its sequence number in the run), an
\`event:\` line naming its type, and one \`data:\` line holding the event as JSON; every event has
\`type\` (the event name), \`runId\`, \`timestamp\` (ISO 8601 with milliseconds) and \`running\`
(step processes running at that instant). The events, in order:

- \`run.started\`: \`workflow\`, \`maxParallel\`, \`plan\` and \`steps\` (id, type, needs)
- \`step.started\`: \`stepId\`, \`lane\`
- \`attempt.started\`: \`stepId\`, \`attempt\`, \`item\` (foreach index or null), \`lane\`
- \`attempt.finished\`: the same with \`startedAt\`, \`durationMs\`, \`ok\`, \`exitCode\`, \`signal\`, \`reason\`, \`message\`
- \`step.finished\`: \`stepId\`, \`result\` (a StepReportDto), \`hash\`
- \`run.finished\`: \`status\` and \`report\` (a RunReportDto); the stream ends after it

A run that is over is replayed from the history and the stream ends at once.`;

@ApiTags('runs')
@ApiWeftRoutes()
@UseGuards(ApiTokenGuard)
@Controller('api/runs')
export class EventsController {
  constructor(
    private readonly streams: RunEventStreams,
    private readonly history: HistoryStore,
  ) {}

  /**
   * Server-Sent Events of one run. Each message is named by its type (`event: step.started`) and
   * its data is the event as JSON, with `timestamp` and `running`. Ends after `run.finished`.
   */
  @Sse(':runId/events')
  @ApiOperation({
    operationId: 'streamRunEvents',
    summary: 'Live events of a run (SSE): what already happened first, then live; ends after run.finished',
  })
  @ApiParam({ name: 'runId', schema: { type: 'string', format: 'uuid' } })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: EVENTS_DESCRIPTION, schema: { type: 'string', example: 'id: 1\nevent: run.started\ndata: {"type":"run.started",…}\n\n' } })
  @ApiErrors([404])
  async events(@Param('runId', uuidOr404('run')) runId: string): Promise<Observable<MessageEvent>> {
    const live = this.streams.get(runId);
    let source = live;
    if (!source) {
      const report = await this.history.getReport(runId);
      if (!report) throw new NotFoundException({ statusCode: 404, error: `No run '${runId}'` });
      // A run in the history but not in memory: finished long ago, or left by another process.
      source = from(eventsFromReport(report, (await this.history.getRunPlan(runId)) ?? undefined));
    }
    let id = 0;
    return source.pipe(map((event) => ({ id: String(++id), type: event.type, data: event })));
  }
}
