import { Module } from '@nestjs/common';
import { StepTypesModule } from '../step-types/step-types.module.js';
import { ExamplesLoader } from './examples.loader.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

/** Validating, storing and listing workflows; stores the examples at startup. */
@Module({
  imports: [StepTypesModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, ExamplesLoader],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}
