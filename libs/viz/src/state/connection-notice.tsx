import type { RunEventsError } from './use-run-events.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

/** What a widget needs to tell a broken event stream from a run that has not started: `useRunEvents`' result fits. */
export interface RunStreamStatus {
  /** The stream's connection error, or null while it is fine. */
  readonly connectionError: RunEventsError | null;
  /** Connects again; without it no Retry button shows. */
  readonly retry?: (() => void) | null;
}

export interface ConnectionNoticeProps extends VizStyleProps {
  /** The error: `useRunEvents().connectionError`, or a sentence. Nothing renders without one. */
  readonly error: RunEventsError | string | null | undefined;
  /** Called by the Retry button; without it there is no button. */
  readonly onRetry?: (() => void) | null;
  /** The heading. @default a title for the error's kind, e.g. "Not authorized" */
  readonly title?: string;
}

const TITLES: Record<RunEventsError['kind'], string> = {
  unauthorized: 'Not authorized',
  not_found: 'Run not found',
  network_or_cors: 'Cannot reach the server',
  server_error: 'Server error',
  http_error: 'The server refused the stream',
  stream_closed: 'Connection lost',
  unavailable: 'Cannot connect',
};

/** The title a notice shows for an error. */
export function connectionErrorTitle(error: RunEventsError | string): string {
  return typeof error === 'string' ? 'Not connected' : TITLES[error.kind];
}

/**
 * Says why the run's event stream is not connected ("Not authorized (HTTP 401): Missing or wrong
 * bearer token…", "The server could not be reached, or it refused this origin (CORS…)") with a
 * Retry button: shown by the widgets in place of "Waiting to start" when the stream failed.
 * An alert, so screen readers announce it.
 */
export function ConnectionNotice(props: ConnectionNoticeProps) {
  const { error, onRetry } = props;
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  const kind = typeof error === 'string' ? 'error' : error.kind;
  return (
    <>
      {props.injectStyles !== false && <VizStyles />}
      <div
        className={`weft-viz weft-connection-notice ${props.className ?? ''}`}
        role="alert"
        data-error-kind={kind}
        style={{
          boxSizing: 'border-box',
          maxWidth: '100%',
          padding: '8px 12px',
          borderLeft: '3px solid var(--weft-color-failed, #dc2626)',
          borderRadius: 4,
          background: 'color-mix(in srgb, var(--weft-color-failed, #dc2626) 8%, var(--weft-bg, #fff))',
          fontSize: 'max(13px, var(--weft-font-size, 12px))',
          lineHeight: 1.4,
          overflowWrap: 'anywhere',
        }}
      >
        <strong className="weft-connection-title" style={{ display: 'block' }}>
          {props.title ?? connectionErrorTitle(error)}
        </strong>
        <span className="weft-connection-message" data-testid="weft-connection-message">
          {message}
        </span>
        {onRetry && (
          <div style={{ marginTop: 6 }}>
            <button type="button" className="weft-retry" onClick={onRetry} style={{ font: 'inherit', minHeight: 28, padding: '2px 12px', cursor: 'pointer' }}>
              Retry
            </button>
          </div>
        )}
      </div>
    </>
  );
}
