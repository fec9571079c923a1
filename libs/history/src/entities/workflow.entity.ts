import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A stored workflow document. Immutable: a changed document is a new row (a new hash). */
@Entity({ name: 'weft_workflows' })
@Index('idx_weft_workflows_hash', ['hash'])
@Index('uq_weft_workflows_content', ['hash', 'rootDir', 'name'], { unique: true })
export class WorkflowEntity {
  /** Random UUID. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The workflow's name (`name:` or the file name). */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** SHA-256 (hex) of the definition text. */
  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  /** `yaml` or `json`. */
  @Column({ type: 'varchar', length: 8 })
  format!: string;

  /** The document as it was submitted. */
  @Column({ type: 'text' })
  definition!: string;

  /** Absolute folder its scripts resolve in. */
  @Column({ name: 'root_dir', type: 'text' })
  rootDir!: string;

  /** The file it was read from, when it came from one (e.g. `examples/`). */
  @Column({ name: 'source_path', type: 'text', nullable: true })
  sourcePath!: string | null;

  /** ISO 8601 with milliseconds. */
  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
