import type { DataSource } from 'typeorm';
import type { StepId } from '@weft/core';
import { StepRunEntity } from './entities/step-run.entity';
import { median } from './median';

/** Step duration estimates from past runs: what the next run's critical path is weighed by. */
export class StepEstimates {
  constructor(
    private readonly dataSource: DataSource,
    /** Past runs' durations per step the estimates take the median of. */
    private readonly sample: number,
  ) {}

  /**
   * Median duration of each step over its last successful runs of the workflow named `workflow`
   * (reused steps excluded): the critical-path estimates for the next run.
   */
  async of(workflow: string): Promise<Record<StepId, number>> {
    const rows = await this.dataSource
      .getRepository(StepRunEntity)
      .createQueryBuilder('step')
      .innerJoin('step.run', 'run')
      .select(['step.stepId', 'step.durationMs'])
      .where('run.workflowName = :workflow', { workflow })
      .andWhere('step.status = :status', { status: 'succeeded' })
      .andWhere('step.reused = :reused', { reused: false })
      .andWhere('step.durationMs IS NOT NULL')
      .orderBy('step.finishedAt', 'DESC')
      .limit(this.sample * 200)
      .getMany();
    const samples = new Map<StepId, number[]>();
    for (const row of rows) {
      const list = samples.get(row.stepId) ?? [];
      if (list.length < this.sample) list.push(row.durationMs as number);
      samples.set(row.stepId, list);
    }
    return Object.fromEntries([...samples].map(([stepId, durations]) => [stepId, median(durations)]));
  }
}
