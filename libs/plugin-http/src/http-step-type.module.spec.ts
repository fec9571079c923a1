import { Test } from '@nestjs/testing';
import { StepTypesLoader, WeftModule } from '@weft/server';
import { HttpStepType, HttpStepTypeModule } from './http-step-type.module.js';

describe('HttpStepTypeModule', () => {
  it('registers the http step type with the server at bootstrap', async () => {
    const module = await Test.createTestingModule({
      imports: [WeftModule.forRoot({ database: { url: 'sqlite::memory:' }, plugins: [HttpStepTypeModule] })],
    }).compile();
    const app = module.createNestApplication({ logger: false });
    await app.init();
    try {
      const registry = app.get(StepTypesLoader).registry;
      expect(registry.names()).toEqual(['http', 'node', 'python', 'shell']);
      expect(registry.get('http')).toBeInstanceOf(HttpStepType);
    } finally {
      await app.close();
    }
  });
});
