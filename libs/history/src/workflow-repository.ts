import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { WorkflowEntity } from './entities/workflow.entity';
import type {
  ListWorkflowsQuery,
  SaveWorkflowInput,
  StoredWorkflow,
  WorkflowFormat,
  WorkflowSummary,
} from './history.types';
import { decodeCursor, encodeCursor, type Page } from './page-cursor';
import { isUniqueViolation } from './unique-violation';
import type { WriteQueue } from './write-queue';

/** The stored workflow documents (`weft_workflows`): each text stored once per root folder and name. */
export class WorkflowRepository {
  constructor(
    private readonly dataSource: DataSource,
    /** The data source's one write queue, shared with its other writers. */
    private readonly writes: WriteQueue,
  ) {}

  /**
   * Stores a workflow document; the same text with the same root folder and name returns the stored
   * row, also when two callers store it at once (a unique index decides).
   */
  async saveWorkflow(input: SaveWorkflowInput): Promise<StoredWorkflow> {
    const repo = this.dataSource.getRepository(WorkflowEntity);
    const hash = createHash('sha256').update(input.definition).digest('hex');
    const where = { hash, rootDir: input.rootDir, name: input.name };
    const existing = await repo.findOneBy(where);
    if (existing) return toWorkflow(existing);
    const row = repo.create({
      id: randomUUID(),
      name: input.name,
      hash,
      format: input.format,
      definition: input.definition,
      rootDir: input.rootDir,
      sourcePath: input.sourcePath ?? null,
      createdAt: new Date().toISOString(),
    });
    try {
      await this.writes.run(() => repo.insert(row));
    } catch (error) {
      const stored = isUniqueViolation(error) ? await repo.findOneBy(where) : null;
      if (!stored) throw error;
      return toWorkflow(stored);
    }
    return toWorkflow(row);
  }

  /** A stored workflow with its definition; null when unknown. */
  async getWorkflow(id: string): Promise<StoredWorkflow | null> {
    const row = await this.dataSource.getRepository(WorkflowEntity).findOneBy({ id });
    return row ? toWorkflow(row) : null;
  }

  /**
   * Stored workflows without their definitions, newest first, one page at a time (`limit`, default
   * 100; `cursor` from the previous page). Throws {@link InvalidCursorError} for a bad cursor.
   */
  async listWorkflows(query: ListWorkflowsQuery = {}): Promise<Page<WorkflowSummary>> {
    const limit = query.limit ?? 100;
    const builder = this.dataSource
      .getRepository(WorkflowEntity)
      .createQueryBuilder('w')
      .select(['w.id', 'w.name', 'w.hash', 'w.format', 'w.rootDir', 'w.sourcePath', 'w.createdAt'])
      .orderBy('w.createdAt', 'DESC')
      .addOrderBy('w.id', 'DESC')
      .take(limit + 1);
    if (query.cursor !== undefined) {
      const after = decodeCursor('workflows', query.cursor);
      builder.where('(w.createdAt < :at OR (w.createdAt = :at AND w.id < :id))', after);
    }
    const rows = await builder.getMany();
    const items = rows.slice(0, limit).map(toWorkflowSummary);
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor('workflows', { at: last.createdAt, id: last.id }) : null };
  }
}

function toWorkflowSummary(row: WorkflowEntity): WorkflowSummary {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    format: row.format as WorkflowFormat,
    rootDir: row.rootDir,
    sourcePath: row.sourcePath,
    createdAt: row.createdAt,
  };
}

function toWorkflow(row: WorkflowEntity): StoredWorkflow {
  return { ...toWorkflowSummary(row), definition: row.definition };
}
