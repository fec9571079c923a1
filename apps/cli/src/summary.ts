import type { RunReport } from '@weft/core';
import { STATUS_MARK, formatDuration, formatSpeedup, plural, type Palette } from './format';

/** A stack frame line (`    at f (file.js:1:2)`), as Node, Java and others print them. */
const STACK_FRAME = /^\s+at \S/;

/**
 * Last `count` non-empty lines of a log. A stack trace keeps only its first frame (where it was
 * thrown) and says how many followed, so the error line above it is not pushed out of the tail.
 */
export function logTail(log: string, count = 8): string[] {
  const kept: string[] = [];
  let frames = 0;
  const endTrace = (): void => {
    if (frames > 1) kept.push(`    … ${plural(frames - 1, 'more frame')}`);
    frames = 0;
  };
  for (const line of log.split('\n')) {
    if (line.trim() === '') continue;
    if (STACK_FRAME.test(line)) {
      if (frames++ === 0) kept.push(line);
      continue;
    }
    endTrace();
    kept.push(line);
  }
  endTrace();
  return kept.slice(-count);
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
    const cancelled = ids.filter((id) => report.steps[id].status === 'cancelled').length;
    lines.push(
      '',
      cancelled === 0
        ? `  ${plural(failed, 'step')} failed, ${plural(skipped, 'step')} skipped; every independent step ran.`
        : `  ${plural(failed, 'step')} failed, ${plural(skipped, 'step')} skipped, ${plural(cancelled, 'step')} cancelled (by failFast, or a stop).`,
    );
  }
  return lines.join('\n');
}
