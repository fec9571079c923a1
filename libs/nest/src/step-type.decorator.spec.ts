import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { STEP_TYPE_METADATA, StepType } from './step-type.decorator.js';

@StepType({ name: 'echo' })
class EchoStep {
  readonly name = 'echo';
}

@StepType()
class PlainStep {}

@Injectable()
class Unmarked {}

describe('StepType', () => {
  it('marks a class with its options under a fixed key that every copy of @weft/nest shares', () => {
    expect(StepType.KEY).toBe('weft:step-type');
    expect(STEP_TYPE_METADATA).toBe('weft:step-type');
    expect(Reflect.getMetadata('weft:step-type', EchoStep)).toEqual({ name: 'echo' });
    expect(Reflect.getMetadata('weft:step-type', PlainStep)).toEqual({});
    expect(Reflect.hasMetadata('weft:step-type', Unmarked)).toBe(false);
  });

  it('makes the class an injectable provider', () => {
    expect(Reflect.getMetadata('__injectable__', EchoStep)).toBe(true);
    expect(Reflect.getMetadata('__injectable__', PlainStep)).toBe(true);
  });
});
