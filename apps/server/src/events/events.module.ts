import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { RunEventStreams } from './run-event-streams.js';

/** Per-run event streams fed by the domain events, and the SSE route. */
@Module({ controllers: [EventsController], providers: [RunEventStreams], exports: [RunEventStreams] })
export class EventsModule {}
