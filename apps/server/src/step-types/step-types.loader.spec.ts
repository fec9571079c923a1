import 'reflect-metadata';
import { Injectable, Module, SetMetadata, applyDecorators } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { z } from '@weft/core';
import { StepType } from '@weft/nest';
import { StepTypesLoader } from './step-types.loader.js';

const handler = (name: string) => ({
  name,
  description: `${name} step`,
  configSchema: z.strictObject({}),
  run: async () => ({ ok: true, outputs: {} }),
});

@StepType({ name: 'ours' })
class OurStep {
  readonly name = 'ours';
  readonly description = 'ours step';
  readonly configSchema = z.strictObject({});
  run = handler('ours').run;
}

/** What `@StepType()` of another copy of @weft/nest (a plugin built against its own) puts on a class. */
const otherCopyStepType = (options: { name?: string }) => applyDecorators(Injectable(), SetMetadata('weft:step-type', options));

@otherCopyStepType({ name: 'theirs' })
class TheirStep {
  readonly name = 'theirs';
  readonly description = 'theirs step';
  readonly configSchema = z.strictObject({});
  run = handler('theirs').run;
}

@Module({
  imports: [DiscoveryModule],
  providers: [StepTypesLoader, OurStep, TheirStep, { provide: 'factory', useFactory: () => handler('not-marked') }],
})
class FixtureModule {}

describe('StepTypesLoader', () => {
  it('finds every @StepType() provider, also those marked by another copy of @weft/nest', async () => {
    const app = await Test.createTestingModule({ imports: [FixtureModule] }).compile();
    try {
      await app.init();
      expect(app.get(StepTypesLoader).registry.names()).toEqual(['ours', 'theirs']);
    } finally {
      await app.close();
    }
  });
});
