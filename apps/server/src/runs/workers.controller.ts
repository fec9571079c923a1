import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ApiWeftRoutes } from '../common/api-responses.js';
import { Dispatchers } from './dispatchers.js';

export class WorkerDto {
  @ApiProperty({ example: 'build-1:4242' })
  id!: string;
  @ApiProperty({ type: [String], example: ['gpu'], description: 'It also runs steps with runsOn: <label>' })
  labels!: string[];
  @ApiProperty({ description: 'Attempts it runs at once' })
  concurrency!: number;
  @ApiProperty({ description: 'Attempts it runs now' })
  running!: number;
  @ApiProperty({ format: 'date-time' })
  startedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Its last heartbeat' })
  lastSeenAt!: string;
}

export class WorkersDto {
  @ApiProperty({ enum: ['local', 'queue'], description: 'local: steps run as children of this server; queue: on workers through Redis' })
  dispatcher!: 'local' | 'queue';
  @ApiProperty({ type: [WorkerDto], description: 'The workers heard from within the lost-worker timeout, by id' })
  workers!: WorkerDto[];
}

@ApiTags('workers')
@ApiWeftRoutes()
@UseGuards(ApiTokenGuard)
@Controller('api/workers')
export class WorkersController {
  constructor(private readonly dispatchers: Dispatchers) {}

  @Get()
  @ApiOperation({ operationId: 'listWorkers', summary: 'The connected workers (none when steps run on this server)' })
  @ApiOkResponse({ type: WorkersDto })
  async list(): Promise<WorkersDto> {
    const queue = this.dispatchers.queue;
    if (!queue) return { dispatcher: 'local', workers: [] };
    return { dispatcher: 'queue', workers: (await queue.workers()).map((worker) => ({ ...worker, labels: [...worker.labels] })) };
  }
}
