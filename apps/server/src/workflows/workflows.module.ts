import { Module } from '@nestjs/common';
import { StepTypesModule } from '../step-types/step-types.module.js';
import { DocumentReader } from './document-reader.js';
import { ExamplesLoader } from './examples.loader.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

/** Validating, storing and listing workflows; stores the examples at startup. */
@Module({
  imports: [StepTypesModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, ExamplesLoader, { provide: DocumentReader, useFactory: () => new DocumentReader() }],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}
