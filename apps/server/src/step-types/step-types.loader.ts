import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { StepTypeRegistry, type StepTypeHandler } from '@weft/core';
import { StepType, type StepTypeOptions } from '@weft/nest';

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

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.#logger.log({ msg: 'step types registered', stepTypes: this.registry.names() });
  }

  /** The registry of every discovered step type. */
  get registry(): StepTypeRegistry {
    this.#registry ??= this.#discover();
    return this.#registry;
  }

  #discover(): StepTypeRegistry {
    const registry = new StepTypeRegistry();
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
      registry.register(instance);
    }
    return registry;
  }
}
