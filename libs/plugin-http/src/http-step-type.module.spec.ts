import 'reflect-metadata';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { stepTypeHandlerProblem } from '@weft/core';
import { StepType } from '@weft/nest';
import { HttpStepHandler } from './http-step.handler.js';
import { HttpStepType, HttpStepTypeModule } from './nest.js';

describe('HttpStepTypeModule (@weft/plugin-http/nest)', () => {
  it('marks HttpStepType as the http step type under the key every Weft host looks for', () => {
    expect(Reflect.getMetadata(StepType.KEY, HttpStepType)).toEqual({ name: 'http' });
    expect(new HttpStepType()).toBeInstanceOf(HttpStepHandler);
  });

  it('provides one singleton a Nest host discovers at bootstrap, a valid step-type handler named http', async () => {
    const module = await Test.createTestingModule({ imports: [DiscoveryModule, HttpStepTypeModule] }).compile();
    try {
      // What the server's StepTypesLoader does: every provider whose class carries StepType.KEY.
      const marked = module
        .get(DiscoveryService)
        .getProviders()
        .filter((wrapper) => typeof wrapper.metatype === 'function' && Reflect.hasMetadata(StepType.KEY, wrapper.metatype));
      expect(marked).toHaveLength(1);
      const [wrapper] = marked;
      expect(wrapper.isDependencyTreeStatic()).toBe(true);
      expect(wrapper.instance).toBeInstanceOf(HttpStepType);
      expect(stepTypeHandlerProblem(wrapper.instance)).toBeUndefined();
      expect((wrapper.instance as HttpStepType).name).toBe(Reflect.getMetadata(StepType.KEY, HttpStepType).name);
      // Exported, so a module that imports HttpStepTypeModule can inject it.
      expect(module.get(HttpStepType)).toBe(wrapper.instance);
    } finally {
      await module.close();
    }
  });
});
