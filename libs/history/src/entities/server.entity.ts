import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EPOCH_MS } from './epoch-ms.transformer';

/** A server process sharing the database, while it lives: it beats, and deletes its row when it stops. */
@Entity({ name: 'weft_servers' })
export class ServerEntity {
  /** `<host>:<pid>:<random>`: unique for each start of a server. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  /** Its machine's host name: a server on the same machine can tell whether its process is gone. */
  @Column({ type: 'varchar', length: 255 })
  host!: string;

  @Column({ type: 'integer' })
  pid!: number;

  @Column({ name: 'started_at', type: 'varchar', length: 30 })
  startedAt!: string;

  /** Its last heartbeat (epoch ms, database clock). */
  @Column({ name: 'heartbeat_at', type: 'bigint', transformer: EPOCH_MS })
  heartbeatAt!: number;
}
