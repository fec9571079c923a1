import type { RunReport, StepReport, WorkflowPlan } from '@weft/core';
import type { RunStreamEvent } from './run-event.types.js';

/**
 * The events of a run recorded before the event log existed, rebuilt from its stored report (runs
 * since then replay their logged events): `run.started`, each step's `step.started` and
 * `step.finished` in time order, then `run.finished`. `running` is recomputed from the step times;
 * there are no `attempt.*` events and step types are `unknown`. With the run's stored `plan`,
 * `run.started` carries the edges, so a late viewer draws the graph as it was.
 */
export function eventsFromReport(report: RunReport, plan?: WorkflowPlan): RunStreamEvent[] {
  const steps = Object.entries(report.steps);
  const marks: { at: string; order: number; event: (running: number) => RunStreamEvent; delta: number }[] = [];
  for (const [stepId, result] of steps) {
    if (result.startedAt && !result.reused) {
      marks.push({
        at: result.startedAt,
        order: 1,
        delta: 1,
        event: (running) => ({ type: 'step.started', runId: report.runId, stepId, lane: result.lane ?? 0, timestamp: result.startedAt!, running }),
      });
    }
    const finishedAt = result.finishedAt ?? report.finishedAt ?? report.startedAt;
    marks.push({
      at: finishedAt,
      order: 0,
      delta: result.startedAt && !result.reused ? -1 : 0,
      event: (running) => ({ type: 'step.finished', runId: report.runId, stepId, result: result as StepReport, hash: null, timestamp: finishedAt, running }),
    });
  }
  marks.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  let running = 0;
  const started: RunStreamEvent = {
    type: 'run.started',
    runId: report.runId,
    timestamp: report.startedAt,
    running: 0,
    workflow: report.workflow,
    maxParallel: report.maxParallel,
    plan: plan ?? { steps: steps.map(([id]) => id), edges: [], levels: [], criticalPath: report.criticalPath, idealSpeedup: report.idealSpeedup },
    steps: steps.map(([id]) => ({ id, type: 'unknown', needs: (plan?.edges ?? []).filter(([, to]) => to === id).map(([from]) => from) })),
  };
  const middle = marks.map((mark) => {
    running = Math.max(0, running + mark.delta);
    return mark.event(running);
  });
  const finished: RunStreamEvent = {
    type: 'run.finished',
    runId: report.runId,
    status: report.status,
    report,
    timestamp: report.finishedAt ?? report.startedAt,
    running: 0,
  };
  // A run another process is still running has no end yet.
  return report.status === 'running' ? [started, ...middle] : [started, ...middle, finished];
}
