import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** Options of {@link StepType}. */
export interface StepTypeOptions {
  /** Expected `name` of the handler; a mismatch fails the bootstrap. @default the handler's own name */
  readonly name?: string;
}

const discoverable = DiscoveryService.createDecorator<StepTypeOptions>();

/**
 * Marks a provider as a Weft step type. The class implements `StepTypeHandler` from `@weft/core`
 * and is found at bootstrap; adding a step type is adding the provider to a module the app imports.
 * For example `@StepType({ name: 'http' }) export class HttpStepType implements StepTypeHandler {…}`.
 */
export const StepType = Object.assign(
  (options: StepTypeOptions = {}): ClassDecorator => applyDecorators(Injectable(), discoverable(options)),
  {
    /** Metadata key for `DiscoveryService.getProviders({ metadataKey: StepType.KEY })`. */
    KEY: discoverable.KEY,
  },
);
