import { ConfigurableModuleBuilder, Module, type CanActivate, type DynamicModule, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { pluginStepTypes, type StepTypeHandler, type WeftPlugin } from '@weft/core';
import { ApiTokenGuard, WEFT_AUTH_GUARD } from './auth/api-token.guard.js';
import { WeftExceptionFilter } from './common/weft-exception.filter.js';
import { DashboardModule } from './dashboard/dashboard.controller.js';
import { DocsController, WeftApiModules, WeftOpenApi } from './docs/docs.controller.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { WEFT_PATH, WeftHttp } from './http/weft-http.js';
import { RunsModule } from './runs/runs.module.js';
import { WEFT_PLUGIN_STEP_TYPES } from './step-types/step-types.loader.js';
import { StepTypesModule } from './step-types/step-types.module.js';
import { WEFT_OPTIONS, resolveWeftOptions, type WeftModuleOptions } from './weft-options.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

/** A Nest module that provides `@StepType()` providers, or a plugin object of the entry shape (`{ stepTypes }`). */
export type WeftPluginEntry = NonNullable<ModuleMetadata['imports']>[number] | WeftPlugin;

/** What `forRoot` and `forRootAsync` take besides the options: the parts Nest needs before it starts. */
export interface WeftModuleExtras {
  /**
   * Path Weft's routes are mounted at: the API at `<path>/api/…`, its OpenAPI page at
   * `<path>/api/docs`, the dashboard at `<path>/`. The app's global prefix comes before it. @default '' (the root)
   */
  readonly path?: string;
  /**
   * Step-type plugins: Nest modules providing `@StepType()` classes (with their injected services),
   * or plugin objects of the entry shape, `{ stepTypes }` (e.g. `import * as http from '@weft/plugin-http'`).
   */
  readonly plugins?: readonly WeftPluginEntry[];
  /**
   * The host's own guard for Weft's routes (the API, its SSE streams and its OpenAPI document),
   * in place of the `apiToken` check. It is created by Nest in Weft's module, with the providers of
   * the global modules and of `forRootAsync`'s `imports`.
   */
  readonly guard?: Type<CanActivate>;
}

const builder = new ConfigurableModuleBuilder<WeftModuleOptions>({
  moduleName: 'Weft',
})
  .setClassMethodName('forRoot')
  .setExtras<WeftModuleExtras>({ path: '', plugins: [], guard: undefined }, (definition, extras) => withWeft(definition, extras))
  .build();
const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = builder;

/** The options of `WeftModule.forRoot`: {@link WeftModuleOptions} and {@link WeftModuleExtras}. */
export type WeftModuleForRootOptions = typeof builder.OPTIONS_TYPE;
/** The options of `WeftModule.forRootAsync`: `useFactory`/`inject`/`imports` (or `useClass`/`useExisting`) and {@link WeftModuleExtras}. */
export type WeftModuleAsyncOptions = typeof builder.ASYNC_OPTIONS_TYPE;

/** Weft's modules that have routes, in the OpenAPI document's order. */
const API_MODULES: readonly Type[] = [HealthModule, StepTypesModule, WorkflowsModule, RunsModule, EventsModule];

/** The Weft API's own routes (its OpenAPI document and page). */
@Module({ controllers: [DocsController], providers: [WeftOpenApi] })
class WeftDocsModule {}

/** A plugin object (`{ stepTypes }`), or a module namespace of one (`import * as plugin`, also a CommonJS one with `default.stepTypes`). */
function isPluginObject(entry: unknown): entry is WeftPlugin {
  if (typeof entry !== 'object' || entry === null || 'module' in entry) return false;
  const fallback = (entry as { default?: unknown }).default;
  return 'stepTypes' in entry || (typeof fallback === 'object' && fallback !== null && 'stepTypes' in fallback);
}

/** The step types of the plugin objects, checked as the CLI checks a plugin's (a PluginError names the bad one). */
async function pluginObjectsStepTypes(plugins: readonly WeftPlugin[]): Promise<StepTypeHandler[]> {
  const handlers: StepTypeHandler[] = [];
  for (const [index, plugin] of plugins.entries()) handlers.push(...(await pluginStepTypes(plugin, `plugins[${index}]`)));
  return handlers;
}

function normalizedPath(path: string | undefined): string {
  const trimmed = (path ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9._~\-/]*$/.test(trimmed) || trimmed.split('/').some((segment) => segment === '.' || segment === '..' || (trimmed && !segment))) {
    throw new TypeError(`Expected WeftModule path to be a URL path such as 'weft' or 'tools/weft', got '${path}'`);
  }
  return trimmed;
}

function withWeft(definition: DynamicModule, extras: WeftModuleExtras): DynamicModule {
  const path = normalizedPath(extras.path);
  const plugins = extras.plugins ?? [];
  const pluginObjects = plugins.filter(isPluginObject);
  const pluginModules = plugins.filter((entry) => !isPluginObject(entry)) as NonNullable<ModuleMetadata['imports']>;
  const routed = [...API_MODULES, WeftDocsModule, DashboardModule];
  const providers: Provider[] = [
    { provide: WEFT_OPTIONS, useFactory: (options: WeftModuleOptions) => resolveWeftOptions(options), inject: [MODULE_OPTIONS_TOKEN] },
    { provide: WEFT_PATH, useValue: path },
    { provide: WEFT_PLUGIN_STEP_TYPES, useFactory: () => pluginObjectsStepTypes(pluginObjects) },
    { provide: WeftApiModules, useValue: new WeftApiModules(API_MODULES) },
    ...(extras.guard ? [{ provide: WEFT_AUTH_GUARD, useClass: extras.guard }] : []),
    ApiTokenGuard,
    WeftExceptionFilter,
    WeftHttp,
  ];
  return {
    ...definition,
    global: true,
    imports: [
      ...(definition.imports ?? []),
      HistoryModule,
      EventEmitterModule.forRoot(),
      ...routed,
      ...pluginModules,
      ...(path ? [RouterModule.register([{ path, children: routed }])] : []),
    ],
    providers: [...(definition.providers ?? []), ...providers],
    exports: [
      WEFT_OPTIONS,
      WEFT_PATH,
      WEFT_PLUGIN_STEP_TYPES,
      ...(extras.guard ? [WEFT_AUTH_GUARD] : []),
      ApiTokenGuard,
      WeftExceptionFilter,
      WeftHttp,
      WeftApiModules,
      HistoryModule,
      StepTypesModule,
      WorkflowsModule,
      RunsModule,
    ],
  };
}

/**
 * Weft as a Nest module: the API (REST + SSE), its OpenAPI document, the dashboard, step-type
 * discovery, the execution history and the server-wide process cap. It is global and exports
 * `RunsService`, `WorkflowsService`, `HistoryStore` and `StepTypesLoader` for the host to inject.
 *
 * ```ts
 * @Module({
 *   imports: [
 *     ConfigModule.forRoot(),
 *     WeftModule.forRootAsync({
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({ database: { url: config.getOrThrow('DATABASE_URL') } }),
 *       path: 'weft',
 *       plugins: [HttpStepTypeModule],
 *       guard: MyAuthGuard,
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 * Nothing global is needed from the host: Weft checks and parses the bodies of its own routes
 * only. `configureWeftApp(app)` adds what a standalone server wants (one error shape for the
 * whole app, shutdown hooks).
 */
@Module({})
export class WeftModule extends ConfigurableModuleClass {}

export { MODULE_OPTIONS_TOKEN as WEFT_MODULE_OPTIONS };
