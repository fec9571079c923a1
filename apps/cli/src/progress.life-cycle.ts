import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionLifeCycle,
  RunFinishedEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepLogEvent,
  StepStartedEvent,
} from '@weft/core';
import { STATUS_MARK, formatDuration, plural, type Palette } from './format';

export interface ProgressOptions {
  readonly out: NodeJS.WriteStream | { write(text: string): unknown; columns?: number; rows?: number };
  readonly colors: Palette;
  /** Redraw a live view in place (a TTY); otherwise write one line per event. */
  readonly live: boolean;
  /** Stream the steps' output, each line prefixed with its step id. */
  readonly verbose?: boolean;
  /** Redraw interval in ms. @default 100 */
  readonly intervalMs?: number;
}

interface Row {
  status: string;
  /** `foreach` items running and done. */
  itemsRunning: number;
  itemsDone: number;
  startedAt: number | null;
  finishedAt: number | null;
  detail: string;
}

/**
 * Progress of a run in the terminal. On a TTY: a live view redrawn in place, a line per step with
 * its status and time, and "3 steps running in parallel". Elsewhere: one line per event.
 */
export class ProgressLifeCycle implements ExecutionLifeCycle {
  readonly #options: ProgressOptions;
  readonly #rows = new Map<string, Row>();
  #startedAt = 0;
  #running = 0;
  #peak = 0;
  #drawn = 0;
  #timer?: NodeJS.Timeout;
  readonly #logs = new Map<string, string>();

  constructor(options: ProgressOptions) {
    this.#options = options;
  }

  /** Captured logs of finished steps, for the summary. */
  get logs(): ReadonlyMap<string, string> {
    return this.#logs;
  }

  runStarted(event: RunStartedEvent): void {
    this.#startedAt = Date.parse(event.timestamp);
    for (const step of event.steps) this.#rows.set(step.id, { status: 'pending', itemsRunning: 0, itemsDone: 0, startedAt: null, finishedAt: null, detail: '' });
    const { colors } = this.#options;
    this.#line(
      colors.bold(`weft: running ${event.workflow}`) +
        colors.dim(` · ${plural(event.steps.length, 'step')} · maxParallel ${event.maxParallel} · run ${event.runId}`),
    );
    if (this.#options.live) {
      this.#timer = setInterval(() => this.#draw(), this.#options.intervalMs ?? 100);
      this.#timer.unref();
      this.#draw();
    }
  }

  stepStarted(event: StepStartedEvent): void {
    const row = this.#rows.get(event.stepId)!;
    row.status = 'running';
    row.startedAt = Date.parse(event.timestamp);
    this.#count(event.running);
    if (!this.#options.live) {
      this.#event(event.timestamp, `${STATUS_MARK.running} ${event.stepId} started`, `${plural(event.running, 'step')} running in parallel`);
    }
  }

  attemptStarted(event: AttemptStartedEvent): void {
    this.#count(event.running);
    if (event.item !== null) this.#rows.get(event.stepId)!.itemsRunning++;
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    this.#count(event.running);
    if (event.item !== null) {
      const row = this.#rows.get(event.stepId)!;
      row.itemsRunning--;
      if (!event.willRetry) row.itemsDone++;
    }
    if (event.willRetry) {
      const row = this.#rows.get(event.stepId)!;
      row.detail = `retrying in ${formatDuration(event.retryInMs)} (attempt ${event.attempt} failed: ${event.reason})`;
      if (!this.#options.live) this.#event(event.timestamp, `↻ ${event.stepId} attempt ${event.attempt} failed (${event.message ?? event.reason})`, row.detail);
    }
  }

  stepFinished(event: StepFinishedEvent): void {
    const row = this.#rows.get(event.stepId)!;
    const result = event.result;
    row.status = result.status;
    row.finishedAt = Date.parse(event.timestamp);
    row.detail = [result.reused ? 'reused' : '', result.reason ? `${result.reason}${result.message ? `: ${result.message}` : ''}` : '']
      .filter(Boolean)
      .join(' · ');
    this.#logs.set(event.stepId, event.log);
    this.#count(event.running);
    if (!this.#options.live) {
      const took = result.durationMs !== null ? ` in ${formatDuration(result.durationMs)}` : '';
      this.#event(event.timestamp, `${STATUS_MARK[result.status]} ${event.stepId} ${result.status}${took}`, row.detail);
    }
  }

  stepLog(event: StepLogEvent): void {
    if (!this.#options.verbose) return;
    const prefix = this.#options.colors.dim(`[${event.stepId}${event.item !== null ? `#${event.item}` : ''}] `);
    const text = event.chunk.replace(/\n$/, '').split('\n').map((line) => prefix + line).join('\n');
    this.#line(text);
  }

  runFinished(_event: RunFinishedEvent): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#options.live) this.#draw();
  }

  #count(running: number): void {
    this.#running = running;
    this.#peak = Math.max(this.#peak, running);
  }

  #event(timestamp: string, text: string, detail: string): void {
    const at = ((Date.parse(timestamp) - this.#startedAt) / 1000).toFixed(2).padStart(7);
    this.#line(`[${at}s] ${text}${detail ? this.#options.colors.dim(` · ${detail}`) : ''}`);
  }

  /** Writes a line above the live view (the view is redrawn below it). */
  #line(text: string): void {
    this.#clear();
    this.#options.out.write(`${text}\n`);
    if (this.#options.live && this.#timer) this.#draw();
  }

  #clear(): void {
    if (this.#drawn) this.#options.out.write(`\x1b[${this.#drawn}A\x1b[0J`);
    this.#drawn = 0;
  }

  #draw(): void {
    const { colors, out } = this.#options;
    const now = Date.now();
    const rows = [...this.#rows.entries()];
    const done = rows.filter(([, row]) => row.status !== 'pending' && row.status !== 'running').length;
    const running = rows.filter(([, row]) => row.status === 'running');
    const lines: string[] = [];
    const elapsed = formatDuration(now - this.#startedAt);
    lines.push(
      colors.blue(colors.bold(`${plural(this.#running, 'step')} running in parallel`)) +
        colors.dim(` · peak ${this.#peak} · ${done}/${rows.length} done · ${elapsed}`),
    );
    const maxRows = Math.max(3, ((out as NodeJS.WriteStream).rows || 30) - 4);
    // Running steps first, then the others in declaration order, within the terminal's height.
    const ordered = [...running, ...rows.filter(([, row]) => row.status !== 'running')].slice(0, maxRows);
    const width = Math.min(32, Math.max(...rows.map(([id]) => id.length), 4));
    for (const [id, row] of ordered) {
      const color =
        row.status === 'running' ? colors.blue : row.status === 'succeeded' ? colors.green : row.status === 'failed' ? colors.red : colors.dim;
      const time =
        row.startedAt === null ? '' : formatDuration((row.finishedAt ?? now) - row.startedAt);
      const items =
        row.status === 'running' && (row.itemsRunning || row.itemsDone)
          ? `items: ${row.itemsRunning} running, ${row.itemsDone} done`
          : '';
      const detail = [items, row.detail].filter(Boolean).join(' · ');
      lines.push(`  ${color(`${STATUS_MARK[row.status] ?? '?'} ${id.padEnd(width)} ${row.status.padEnd(9)}`)} ${time.padStart(9)} ${colors.dim(detail)}`);
    }
    if (rows.length > ordered.length) lines.push(colors.dim(`  … ${rows.length - ordered.length} more`));
    this.#clear();
    const columns = (out as NodeJS.WriteStream).columns || 120;
    out.write(lines.map((line) => truncate(line, columns)).join('\n') + '\n');
    this.#drawn = lines.length;
  }
}

/** Cuts a line to the terminal width, ignoring ANSI codes when counting. */
function truncate(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= columns - 1) continue;
    out += line[i];
    visible++;
  }
  return out;
}
