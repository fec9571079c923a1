import { Module, type DynamicModule } from '@nestjs/common';
import { WeftModule, type WeftModuleForRootOptions, type WeftPluginEntry } from './weft.module.js';

/** The standalone server: Weft at the root, with the dashboard at `/`. */
@Module({})
export class AppModule {
  static forRoot(config: { weft: WeftModuleForRootOptions; dashboardDir: string | null }, plugins: readonly WeftPluginEntry[] = []): DynamicModule {
    const { weft } = config;
    const dashboard = weft.dashboard === false ? false : { ...weft.dashboard, ...(config.dashboardDir ? { dir: config.dashboardDir } : {}) };
    return { module: AppModule, imports: [WeftModule.forRoot({ ...weft, dashboard, plugins: [...(weft.plugins ?? []), ...plugins] })] };
  }
}
