import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { RunEventFeed } from './run-event-feed.js';
import { RunEventStreams } from './run-event-streams.js';

/** Live per-run event streams fed by the domain events, the event log reader, and the SSE route. */
@Module({ controllers: [EventsController], providers: [RunEventStreams, RunEventFeed], exports: [RunEventStreams] })
export class EventsModule {}
