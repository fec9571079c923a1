import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StepTypesController } from './step-types.controller.js';
import { StepTypesLoader } from './step-types.loader.js';

/** Discovers `@StepType()` providers and serves `GET /api/step-types`. */
@Module({
  imports: [DiscoveryModule],
  controllers: [StepTypesController],
  providers: [StepTypesLoader],
  exports: [StepTypesLoader],
})
export class StepTypesModule {}
