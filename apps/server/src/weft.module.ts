import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { RunsModule } from './runs/runs.module.js';
import { BuiltinStepTypesModule } from './step-types/builtin-step-types.module.js';
import { StepTypesModule } from './step-types/step-types.module.js';
import { WEFT_OPTIONS, resolveWeftOptions, type ResolvedWeftOptions, type WeftModuleOptions } from './weft-options.js';
import { WorkflowsModule } from './workflows/workflows.module.js';
import { ApiTokenGuard } from './auth/api-token.guard.js';

/** Options and history, shared by every Weft module. */
@Global()
@Module({})
class WeftCoreModule {
  static forRoot(options: ResolvedWeftOptions): DynamicModule {
    const history = HistoryModule.forRoot(options.database);
    return {
      module: WeftCoreModule,
      imports: [history],
      providers: [{ provide: WEFT_OPTIONS, useValue: options }, ApiTokenGuard],
      exports: [WEFT_OPTIONS, ApiTokenGuard, history],
    };
  }
}

/**
 * Weft as a Nest module: the `/api` routes (REST + SSE), step-type discovery, the execution
 * history and the server-wide process cap. Mount it in any Nest app:
 *
 * ```ts
 * @Module({ imports: [WeftModule.forRoot({ database: { url: 'postgres://…' }, plugins: [HttpStepTypeModule] })] })
 * export class AppModule {}
 * ```
 * and call `configureWeftApp(app)` for the same-origin checks, the body parsers and the OpenAPI page.
 */
@Module({})
export class WeftModule {
  static forRoot(options: WeftModuleOptions = {}): DynamicModule {
    const resolved = resolveWeftOptions(options);
    return {
      module: WeftModule,
      imports: [
        WeftCoreModule.forRoot(resolved),
        EventEmitterModule.forRoot(),
        StepTypesModule,
        EventsModule,
        WorkflowsModule,
        RunsModule,
        HealthModule,
        ...(resolved.builtinStepTypes ? [BuiltinStepTypesModule] : []),
        ...(options.plugins ?? []),
      ],
    };
  }
}
