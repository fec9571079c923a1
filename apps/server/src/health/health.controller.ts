import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ApiWeftRoutes } from '../common/api-responses.js';
import { WEFT_DATA_SOURCE } from '../history/history.module.js';

@ApiTags('health')
@ApiWeftRoutes()
@UseGuards(ApiTokenGuard)
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(WEFT_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness and database check (503 when the database does not answer)' })
  check() {
    return this.health.check([() => this.db.pingCheck('database', { connection: this.dataSource, timeout: 3000 })]);
  }
}
