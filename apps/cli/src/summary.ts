import type { RunReport } from '@weft/core';
import { STATUS_MARK, formatDuration, formatSpeedup, plural, type Palette } from './format';

/** Last `count` non-empty lines of a log. */
export function logTail(log: string, count = 8): string[] {
  return log.split('\n').filter((line) => line.trim() !== '').slice(-count);
}

/**
 * The end-of-run summary: status, makespan, the measured speedup ("2.0x faster"), the ideal
 * speedup, the peak parallelism, the critical path, a line per step, and the log tail of failures.
 */
export function formatSummary(report: RunReport, colors: Palette, logs: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  const ok = report.status === 'succeeded';
  const colorOf = (status: string) =>
    status === 'succeeded' ? colors.green : status === 'failed' ? colors.red : status === 'running' ? colors.blue : colors.dim;
  const head = `${colorOf(report.status)(`${STATUS_MARK[report.status] ?? '■'} ${report.workflow} ${report.status}`)} in ${formatDuration(report.makespanMs)}`;
  lines.push(colors.bold(head));
  const faster = report.speedup >= 1 ? `${formatSpeedup(report.speedup)} faster` : `${formatSpeedup(report.speedup)} (slower)`;
  lines.push(
    `  ${colors.bold(faster)} than one step at a time (${formatDuration(report.sequentialMs)} sequential → ${formatDuration(report.makespanMs)})`,
  );
  lines.push(
    `  ideal speedup ${formatSpeedup(report.idealSpeedup)} · peak ${plural(report.peakParallelism, 'step')} in parallel (maxParallel ${report.maxParallel})`,
  );
  if (report.criticalPath.length) lines.push(`  critical path: ${report.criticalPath.join(' → ')}`);
  lines.push('');
  const ids = Object.keys(report.steps);
  const width = Math.min(40, Math.max(...ids.map((id) => id.length), 4));
  for (const id of ids) {
    const step = report.steps[id];
    const mark = colorOf(step.status)(`${STATUS_MARK[step.status] ?? '?'} ${step.status.padEnd(9)}`);
    const detail = [
      step.durationMs !== null ? formatDuration(step.durationMs) : '',
      step.reused ? 'reused' : '',
      step.attempts > 1 ? `${step.attempts} attempts` : '',
      step.items ? plural(step.items.length, 'item') : '',
      step.reason ? `${step.reason}${step.message ? `: ${step.message}` : ''}` : '',
    ].filter(Boolean);
    lines.push(`  ${id.padEnd(width)}  ${mark}  ${colors.dim(detail.join(' · '))}`);
    if (step.status === 'failed') {
      for (const line of logTail(logs.get(id) ?? '')) lines.push(colors.dim(`      │ ${line}`));
    }
  }
  if (!ok && report.status === 'failed') {
    const failed = ids.filter((id) => report.steps[id].status === 'failed').length;
    const skipped = ids.filter((id) => report.steps[id].status === 'skipped').length;
    lines.push('', `  ${plural(failed, 'step')} failed, ${plural(skipped, 'step')} skipped; every independent step ran.`);
  }
  return lines.join('\n');
}
