import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { StepTypesModule } from '../step-types/step-types.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { Dispatchers } from './dispatchers.js';
import { processSlotsProvider } from './process-slots.provider.js';
import { RunOwnersService } from './run-owners.service.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';
import { serverIdentityProvider } from './server-identity.js';
import { WorkersController } from './workers.controller.js';

/** Starting, cancelling, retrying and resuming runs (one owner per run), and reading their reports, logs and history. */
@Module({
  imports: [WorkflowsModule, StepTypesModule, EventsModule],
  controllers: [RunsController, WorkersController],
  providers: [RunsService, RunOwnersService, Dispatchers, processSlotsProvider, serverIdentityProvider],
  exports: [RunsService],
})
export class RunsModule {}
