import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { WEFT_DATA_SOURCE } from '../history/history.module.js';

@ApiTags('health')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectDataSource(WEFT_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and database check (503 when the database does not answer)' })
  check() {
    return this.health.check([() => this.db.pingCheck('database', { connection: this.dataSource, timeout: 3000 })]);
  }
}
