import { Module } from '@nestjs/common';
import { StepType } from '@weft/nest';
import { HttpStepHandler } from './http-step.handler.js';

/** The `http` step type as a Nest provider, found by the server at bootstrap. */
@StepType({ name: 'http' })
export class HttpStepType extends HttpStepHandler {}

/** Import it (or pass it in `WeftModule.forRoot({ plugins })`) to add `type: http`. */
@Module({ providers: [HttpStepType], exports: [HttpStepType] })
export class HttpStepTypeModule {}
