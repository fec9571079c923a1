import type { KeyboardEvent } from 'react';
import type { HistoryRun, HistorySort, HistorySortKey } from './compute/sort-runs.js';
import { useSortedRuns } from './use-sorted-runs.js';
import { formatDuration, formatSpeedup } from '../shared/format.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';
import { SCROLL_STYLE } from '../shared/use-container-width.js';

export interface ExecutionHistoryTableProps<T extends HistoryRun = HistoryRun> extends VizStyleProps {
  /** Past runs: reports or history summaries. */
  readonly runs: readonly T[];
  /** Initial sort. @default newest first */
  readonly initialSort?: HistorySort;
  /** Called when a row is clicked or activated with Enter. */
  readonly onSelectRun?: (run: T) => void;
  /** @default "Execution history" */
  readonly caption?: string;
  /** Formats the start time. @default the browser's locale date and time */
  readonly formatTime?: (iso: string) => string;
}

const COLUMNS: { key: HistorySortKey; label: string; numeric: boolean }[] = [
  { key: 'startedAt', label: 'Started', numeric: false },
  { key: 'workflow', label: 'Workflow', numeric: false },
  { key: 'status', label: 'Status', numeric: false },
  { key: 'makespanMs', label: 'Makespan', numeric: true },
  { key: 'speedup', label: 'Speedup', numeric: true },
  { key: 'peakParallelism', label: 'Peak parallel', numeric: true },
];

function defaultTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString();
}

/**
 * Past runs with status, makespan, speedup and peak parallelism; every column sorts. Fills its
 * container; below 480 px each run is a small card of labelled lines (the sort buttons wrap above
 * them), and when the columns still do not fit the table scrolls sideways inside its own box (a
 * focusable region) instead of widening the page.
 */
export function ExecutionHistoryTable<T extends HistoryRun>(props: ExecutionHistoryTableProps<T>) {
  const { sorted, sort, sortBy } = useSortedRuns(props.runs, props.initialSort);
  const format = props.formatTime ?? defaultTime;
  const select = props.onSelectRun;
  const onKey = (run: T) => (e: KeyboardEvent) => {
    if (select && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      select(run);
    }
  };
  return (
    <>
      {props.injectStyles !== false && <VizStyles />}
      <div
        className="weft-table-scroll weft-history-scroll"
        role="region"
        aria-label={`${props.caption ?? 'Execution history'} (scrolls sideways)`}
        tabIndex={0}
        style={SCROLL_STYLE}
      >
      <table className={`weft-viz weft-history ${props.className ?? ''}`}>
        <caption style={{ textAlign: 'left', fontWeight: 600, padding: '4px 0' }}>
          {props.caption ?? 'Execution history'}
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'weft-num' : undefined}
                aria-sort={sort.key === c.key ? sort.direction : 'none'}
              >
                <button type="button" onClick={() => sortBy(c.key)}>
                  {c.label}
                  <span aria-hidden="true">{sort.key === c.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 && (
            <tr>
              <td colSpan={COLUMNS.length} className="weft-muted-cell">
                No runs yet
              </td>
            </tr>
          )}
          {sorted.map((r) => (
            <tr
              key={r.runId}
              tabIndex={select ? 0 : undefined}
              onClick={select ? () => select(r) : undefined}
              onKeyDown={select ? onKey(r) : undefined}
              data-run-id={r.runId}
            >
              <td data-label="Started" style={{ whiteSpace: 'nowrap' }}>
                {format(r.startedAt)}
              </td>
              <td data-label="Workflow">{r.workflow}</td>
              <td data-label="Status">
                <span className={`weft-history-status weft-status-${statusClass(r.status)}`}>{r.status}</span>
              </td>
              <td className="weft-num" data-label="Makespan">
                {formatDuration(r.makespanMs)}
              </td>
              <td className="weft-num" data-label="Speedup">
                {formatSpeedup(r.speedup)}
              </td>
              <td className="weft-num" data-label="Peak parallel">
                {r.peakParallelism ?? '–'}
                {r.maxParallel ? <span className="weft-muted-cell"> / {r.maxParallel}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </>
  );
}

function statusClass(status: string): string {
  if (status === 'interrupted') return 'cancelled';
  return status;
}
