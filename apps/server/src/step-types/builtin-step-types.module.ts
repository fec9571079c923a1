import { Module, type Provider } from '@nestjs/common';
import { builtinStepTypes } from '@weft/step-types';
import type { StepOutcome, StepRunContext, StepTypeHandler } from '@weft/core';
import { StepType } from '@weft/nest';

/** A built-in step type from `@weft/step-types`, registered as a provider like any plugin's. */
@StepType()
export class BuiltinStepType implements StepTypeHandler {
  constructor(private readonly handler: StepTypeHandler) {}
  get name() {
    return this.handler.name;
  }
  get description() {
    return this.handler.description;
  }
  get configSchema() {
    return this.handler.configSchema;
  }
  get codeFields() {
    return this.handler.codeFields;
  }
  get pathFields() {
    return this.handler.pathFields;
  }
  run(context: StepRunContext): Promise<StepOutcome> {
    return this.handler.run(context);
  }
}

function builtinProviders(): Provider[] {
  return builtinStepTypes().map((handler) => ({
    provide: `weft:step-type:${handler.name}`,
    useValue: new BuiltinStepType(handler),
  }));
}

/** The built-in `python`, `shell` and `node` step types. */
@Module({ providers: builtinProviders() })
export class BuiltinStepTypesModule {}
