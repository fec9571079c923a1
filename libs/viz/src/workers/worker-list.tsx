import type { WorkerInfo } from './compute/worker-rows.js';
import { useWorkerRows } from './use-worker-rows.js';
import { useNow } from '../shared/use-now.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';
import { SCROLL_STYLE } from '../shared/use-container-width.js';

export interface WorkerListProps extends VizStyleProps {
  /** The workers, as `GET /api/workers` lists them. */
  readonly workers: readonly WorkerInfo[];
  /** Fixed "now" in epoch ms (stories, tests); by default the clock ticks every second. */
  readonly now?: number | null;
  /** A worker whose last heartbeat is older than this (ms) is marked stale. @default 10000 */
  readonly staleAfterMs?: number;
  /** @default "Workers" */
  readonly caption?: string;
  /** Shown when there is no worker. @default "No workers connected" */
  readonly emptyText?: string;
}

/**
 * The worker processes steps are sent to: id, labels as chips, busy slots of its concurrency, and
 * its last heartbeat as a relative time, marked stale when it is older than `staleAfterMs`.
 */
export function WorkerList(props: WorkerListProps) {
  const now = useNow(true, props.now, 1000);
  const rows = useWorkerRows(props.workers, now, props.staleAfterMs);
  return (
    <>
      {props.injectStyles !== false && <VizStyles />}
      <div
        className="weft-table-scroll weft-workers-scroll"
        role="region"
        aria-label={`${props.caption ?? 'Workers'} (scrolls sideways)`}
        tabIndex={0}
        style={SCROLL_STYLE}
      >
      <table className={`weft-viz weft-workers ${props.className ?? ''}`}>
        <caption>{props.caption ?? 'Workers'}</caption>
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col">Labels</th>
            <th scope="col" className="weft-num">
              Running
            </th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="weft-muted-cell">
                {props.emptyText ?? 'No workers connected'}
              </td>
            </tr>
          )}
          {rows.map((w) => (
            <tr key={w.id} data-worker={w.id} data-stale={w.stale ? 'true' : undefined} className={w.stale ? 'weft-worker-stale' : undefined}>
              <th scope="row">{w.id}</th>
              <td data-label="Labels">
                {w.labels.length > 0 ? (
                  <ul className="weft-chips">
                    {w.labels.map((label) => (
                      <li key={label} className="weft-chip">
                        {label}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="weft-muted-cell">none</span>
                )}
              </td>
              <td className="weft-num" data-label="Running">
                <span aria-hidden="true">{w.load}</span>
                <span className="weft-sr-only">{w.loadText}</span>
                <span className="weft-worker-meter" aria-hidden="true">
                  <span style={{ width: `${Math.round(w.busy * 100)}%` }} />
                </span>
              </td>
              <td data-label="Last seen">
                <time dateTime={w.lastSeenAt} title={w.lastSeenAt}>
                  {w.lastSeen}
                </time>
                {w.stale && (
                  <>
                    {' '}
                    <span className="weft-stale-badge" title={w.staleText ?? undefined} style={{ fontSize: 'max(11px, 0.9em)' }}>
                      stale
                    </span>
                    <span className="weft-sr-only">: {w.staleText}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </>
  );
}
