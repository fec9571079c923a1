import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

/** Options of {@link StepType}. */
export interface StepTypeOptions {
  /** Expected `name` of the handler; a mismatch fails the bootstrap. @default the handler's own name */
  readonly name?: string;
}

/**
 * The metadata key `@StepType()` sets on a class. It is a fixed string, not a per-package random
 * key, so that an app that ends up with two copies of `@weft/nest` (a plugin built against another
 * one) still finds every plugin's step types.
 */
export const STEP_TYPE_METADATA = 'weft:step-type';

/**
 * Marks a provider as a Weft step type. The class implements `StepTypeHandler` from `@weft/core`
 * and is found at bootstrap; adding a step type is adding the provider to a module the app imports.
 * For example `@StepType({ name: 'http' }) export class HttpStepType implements StepTypeHandler {…}`.
 */
export const StepType = Object.assign(
  (options: StepTypeOptions = {}): ClassDecorator => applyDecorators(Injectable(), SetMetadata(STEP_TYPE_METADATA, options)),
  {
    /** The metadata key ({@link STEP_TYPE_METADATA}): `Reflect.getMetadata(StepType.KEY, SomeClass)` reads a step type's options. */
    KEY: STEP_TYPE_METADATA,
  },
);
