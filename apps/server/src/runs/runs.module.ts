import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { StepTypesModule } from '../step-types/step-types.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { processSlotsProvider } from './process-slots.provider.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';

/** Starting, cancelling and retrying runs, and reading their reports, logs and history. */
@Module({
  imports: [WorkflowsModule, StepTypesModule, EventsModule],
  controllers: [RunsController],
  providers: [RunsService, processSlotsProvider],
  exports: [RunsService],
})
export class RunsModule {}
