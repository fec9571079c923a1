import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { StepTypeRegistry, type StepTypeHandler } from '@weft/core';
import { StepType, type StepTypeOptions } from '@weft/nest';
import { builtinStepTypes } from '@weft/step-types';
import { logRecord } from '../logging/log-record.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

/** Injection token of the step types given as plugin objects (`WeftModule.forRoot({ plugins: [{ stepTypes }] })`). */
export const WEFT_PLUGIN_STEP_TYPES = Symbol('WEFT_PLUGIN_STEP_TYPES');

/** A provider marked `@StepType()` that is not a usable step type. */
export class InvalidStepTypeError extends Error {
  override readonly name = 'InvalidStepTypeError';
}

function isHandler(value: unknown): value is StepTypeHandler {
  const candidate = value as Partial<StepTypeHandler> | null;
  return (
    !!candidate &&
    typeof candidate.name === 'string' &&
    typeof candidate.run === 'function' &&
    typeof candidate.configSchema?.safeParse === 'function'
  );
}

/**
 * Finds the `@StepType()` providers of every module at bootstrap and keeps them in one
 * `StepTypeRegistry` (built-ins included: they are providers like any plugin's).
 */
@Injectable()
export class StepTypesLoader implements OnModuleInit {
  readonly #logger = new Logger('StepTypes');
  #registry: StepTypeRegistry | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    @Optional() @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions | null = null,
    @Optional() @Inject(WEFT_PLUGIN_STEP_TYPES) private readonly pluginStepTypes: readonly StepTypeHandler[] | null = null,
  ) {}

  onModuleInit(): void {
    this.#logger.log(logRecord('step types registered', { stepTypes: this.registry.names() }));
  }

  /** The registry of every discovered step type. */
  get registry(): StepTypeRegistry {
    this.#registry ??= this.#discover();
    return this.#registry;
  }

  #discover(): StepTypeRegistry {
    const registry = new StepTypeRegistry();
    if (this.options?.builtinStepTypes ?? false) for (const handler of builtinStepTypes()) registry.register(handler);
    for (const handler of this.pluginStepTypes ?? []) {
      if (!isHandler(handler)) throw new InvalidStepTypeError(`a plugin's step type ${String((handler as { name?: unknown })?.name ?? handler)} does not implement StepTypeHandler (name, description, configSchema, run)`);
      if (registry.has(handler.name)) throw new InvalidStepTypeError(`step type '${handler.name}' of a plugin is registered twice (a built-in or another plugin has that name)`);
      registry.register(handler);
    }
    // Every provider whose class carries the key, whichever copy of @weft/nest marked it.
    const marked = this.discovery.getProviders().filter((wrapper) => {
      // A value or factory provider's class is its instance's; a class provider's is its metatype.
      const target: unknown = !wrapper.metatype || wrapper.inject ? (wrapper.instance as object | undefined)?.constructor : wrapper.metatype;
      return typeof target === 'function' && Reflect.hasMetadata(StepType.KEY, target);
    });
    for (const wrapper of marked) {
      const instance: unknown = wrapper.instance;
      const where = `provider ${String(wrapper.name)}`;
      if (!wrapper.isDependencyTreeStatic() || instance === undefined) {
        throw new InvalidStepTypeError(`${where} is a @StepType() but not a singleton; step types cannot be request-scoped`);
      }
      if (!isHandler(instance)) {
        throw new InvalidStepTypeError(
          `${where} is a @StepType() but does not implement StepTypeHandler (name, description, configSchema, run)`,
        );
      }
      const options = (Reflect.getMetadata(StepType.KEY, (instance as object).constructor) ?? {}) as StepTypeOptions;
      if (options.name && options.name !== instance.name) {
        throw new InvalidStepTypeError(`${where} is declared @StepType({ name: '${options.name}' }) but its name is '${instance.name}'`);
      }
      if (registry.has(instance.name)) throw new InvalidStepTypeError(`${where} is step type '${instance.name}', which is registered twice (a built-in or another plugin has that name)`);
      registry.register(instance);
    }
    return registry;
  }
}
