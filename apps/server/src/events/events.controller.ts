import { logRecord } from '../logging/log-record.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Logger, Param, Req, Res, UseGuards, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Subscription } from 'rxjs';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ApiErrors, ApiWeftRoutes } from '../common/api-responses.js';
import { refuseUnknownQuery } from '../common/errors.js';
import { uuidOr404 } from '../common/uuid.pipe.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { lastEventIdOf } from './last-event-id.js';
import { RunEventFeed } from './run-event-feed.js';
import { SseStream } from './sse-stream.js';

/** What the OpenAPI document says of the stream. */
const EVENTS_DESCRIPTION = `A text/event-stream. It starts with a \`retry:\` line (the reconnect delay in ms). Each message has
an \`id:\` line (the event's sequence number in the run: 1, 2, 3…, the same on every connection and in
every replay), an \`event:\` line naming its type, and one \`data:\` line holding the event as JSON;
every event has \`type\` (the event name), \`runId\`, \`timestamp\` (ISO 8601 with milliseconds) and
\`running\` (step processes running at that instant). The events, in order:

- \`run.started\`: \`workflow\`, \`maxParallel\`, \`plan\` and \`steps\` (id, type, needs)
- \`step.started\`: \`stepId\`, \`lane\`
- \`attempt.started\`: \`stepId\`, \`attempt\`, \`item\` (foreach index or null), \`lane\`
- \`attempt.finished\`: the same with \`startedAt\`, \`durationMs\`, \`ok\`, \`exitCode\`, \`signal\`, \`reason\`, \`message\`
- \`step.finished\`: \`stepId\`, \`result\` (a StepReportDto), \`hash\`
- \`run.finished\`: \`status\` and \`report\` (a RunReportDto without \`workflowId\`, which GET /api/runs/{runId} adds); the stream ends after it

Every event is stored before it is sent: a run that is over is replayed from its stored events (the
same ids and content as live) and the stream ends. With \`Last-Event-ID\` (or \`lastEventId\`) the
stream resumes after that event. A \`: heartbeat\` comment comes at least every 15 s.`;

const LAST_EVENT_ID = "The id of the last event the client has: the stream resumes after it. EventSource sends it when it reconnects.";

@ApiTags('runs')
@ApiWeftRoutes()
@UseGuards(ApiTokenGuard)
@Controller('api/runs')
export class EventsController implements BeforeApplicationShutdown {
  readonly #logger = new Logger('Events');
  readonly #open = new Set<SseStream>();

  constructor(
    private readonly feed: RunEventFeed,
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
  ) {}

  /**
   * Server-Sent Events of one run: the stored events after the client's `Last-Event-ID`, then live
   * ones, each with its sequence number as `id:`; ends after `run.finished`. A client that already
   * has a finished run's last event gets 204, which makes an EventSource stop reconnecting.
   */
  @Get(':runId/events')
  @ApiOperation({
    operationId: 'streamRunEvents',
    summary: 'Events of a run (SSE): the stored ones after Last-Event-ID, then live; ends after run.finished',
  })
  @ApiParam({ name: 'runId', schema: { type: 'string', format: 'uuid' } })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: LAST_EVENT_ID, schema: { type: 'string', pattern: '^[0-9]+$' } })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    description: `${LAST_EVENT_ID} For clients that cannot set headers; the header wins when both are sent.`,
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: EVENTS_DESCRIPTION, schema: { type: 'string', example: 'retry: 2000\n\nid: 1\nevent: run.started\ndata: {"type":"run.started",…}\n\n' } })
  @ApiNoContentResponse({ description: 'The run is over and the client already has its last event: nothing more will come' })
  @ApiErrors([400, 404], { 400: 'Last-Event-ID (or lastEventId) is not an event id (a whole number), or an unknown query parameter' })
  async events(
    @Param('runId', uuidOr404('run')) runId: string,
    @Req() request: IncomingMessage & { query?: Record<string, unknown> },
    @Res() response: ServerResponse,
  ): Promise<void> {
    refuseUnknownQuery(request.query, ['lastEventId']);
    const after = lastEventIdOf(request.headers['last-event-id'], request.query?.lastEventId);
    const events = await this.feed.open(runId, after);
    if (!events) {
      response.writeHead(204, { 'Cache-Control': 'no-cache' }).end();
      return;
    }
    // `onClose` runs on the response's close event, always after `subscription` below is set.
    const stream = new SseStream(request, response, { heartbeatMs: this.options.sseHeartbeatMs, retryMs: this.options.sseRetryMs }, () => {
      this.#open.delete(stream);
      subscription.unsubscribe();
    });
    this.#open.add(stream);
    const subscription: Subscription = events.subscribe({
      next: ({ seq, event }) => stream.send(seq, event.type, event),
      error: (error: unknown) => {
        this.#logger.error(logRecord('the event stream failed', { runId, error: String(error) }));
        stream.end();
      },
      complete: () => stream.end(),
    });
  }

  /** Ends the open streams before the HTTP server closes (it waits for them); clients resume with Last-Event-ID. */
  beforeApplicationShutdown(): void {
    for (const stream of this.#open) stream.end();
    this.#open.clear();
  }
}
