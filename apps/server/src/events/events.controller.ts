import { Controller, NotFoundException, Param, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HistoryStore } from '@weft/history';
import { from, map, type Observable } from 'rxjs';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { eventsFromReport } from './history-events.js';
import { RunEventStreams } from './run-event-streams.js';

@ApiTags('runs')
@ApiBearerAuth()
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
  @ApiOperation({ summary: 'Live events of a run (SSE): what already happened first, then live; ends after run.finished' })
  @ApiProduces('text/event-stream')
  async events(@Param('runId') runId: string): Promise<Observable<MessageEvent>> {
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
