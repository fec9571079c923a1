import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { StepType } from './step-type.decorator.js';

@StepType({ name: 'echo' })
class EchoStep {
  readonly name = 'echo';
}

@Injectable()
class Unmarked {}

@Module({ imports: [DiscoveryModule], providers: [EchoStep, Unmarked] })
class FixtureModule {}

describe('StepType', () => {
  it('marks a provider so DiscoveryService finds it with its options, and only it', async () => {
    const app = await Test.createTestingModule({ imports: [FixtureModule] }).compile();
    const discovery = app.get(DiscoveryService);
    const found = discovery.getProviders({ metadataKey: StepType.KEY });
    expect(found.map((wrapper) => wrapper.metatype)).toEqual([EchoStep]);
    expect(discovery.getMetadataByDecorator(StepType as never, found[0])).toEqual({ name: 'echo' });
    await app.close();
  });
});
