import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DashboardFallbackController } from './dashboard/dashboard.controller.js';
import type { ServerConfig } from './config/server-config.js';
import { WeftModule } from './weft.module.js';

/** The standalone server: Weft, pino logs, and a page at `/` until the dashboard is built. */
@Module({})
export class AppModule {
  static forRoot(config: Pick<ServerConfig, 'weft' | 'logLevel'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customProps: (request) => {
              const match = /\/api\/runs\/([0-9a-f-]{36})/.exec(request.url ?? '');
              return match ? { runId: match[1] } : {};
            },
            autoLogging: { ignore: (request) => request.url === '/api/health' },
          },
        }),
        WeftModule.forRoot(config.weft),
      ],
      controllers: [DashboardFallbackController],
    };
  }
}
