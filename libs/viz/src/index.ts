// Public surface of @weft/viz: React widgets (SVG) for watching Weft runs.

// the report and plan types the widgets take, from @weft/core's browser-safe entry (a dependency)
export type {
  RunReport,
  StepReport,
  ItemReport,
  RunStatus,
  StepStatus,
  StepReason,
  WorkflowPlan,
  ExecutionEvent,
} from '@weft/core/browser';

// run state: from the SSE event stream or from a plain report
export * from './state/run-state.types.js';
export { initialRunState, reduceRunEvents, reduceAll, pendingStep, MAX_LOG_CHARS } from './state/reduce-run-events.js';
export { runStateFromReport, mergeReport, applyPlan } from './state/run-state-from-report.js';
export { useRunEvents, parseRunEvent, RUN_EVENT_TYPES } from './state/use-run-events.js';
export type { UseRunEventsOptions, UseRunEventsResult, RunEventsConnection } from './state/use-run-events.js';
export { httpStreamError, networkStreamError, serverErrorText, NETWORK_OR_CORS_TEXT, type RunEventsError, type RunEventsErrorKind } from './state/use-run-events.js';
export { ConnectionNotice, connectionErrorTitle, type ConnectionNoticeProps, type RunStreamStatus } from './state/connection-notice.js';
export { SseParser, type SseMessage } from './state/sse-parser.js';

// shared
export { useRunStateInput, type RunInputProps } from './shared/run-input.js';
export { useNow, drawTime } from './shared/use-now.js';
export { processIntervals, packLanes, concurrencySteps, type ProcessInterval } from './shared/process-intervals.js';
export { formatDuration, formatSpeedup, formatPercent, formatTick, formatAgo, runningText, reasonText, REASON_TEXT } from './shared/format.js';
export { useContainerWidth } from './shared/use-container-width.js';

// theming
export {
  weftVizCss,
  weftLightTheme,
  weftDarkTheme,
  WEFT_THEME_ATTRIBUTE,
  VizStyles,
  WeftStyles,
  WeftStylesProvider,
  WeftTheme,
  type VizStyleProps,
  type WeftStylesOptions,
  type WeftThemeName,
  type WeftThemeProps,
} from './styles/viz-styles.js';

// ExecutionGraph
export * from './graph/compute/graph-layout.js';
export * from './graph/compute/graph-collapse.js';
export * from './graph/compute/viewport.js';
export * from './graph/compute/graph-search.js';
export * from './graph/compute/layered-layout.js';
export { useGraphLayout, AUTO_COLLAPSE_ABOVE, DEFAULT_MIN_CHAIN, type GraphGroupingOptions, type GroupedGraphLayout } from './graph/use-graph-layout.js';
export { useGraphZoom, type GraphZoom } from './graph/use-graph-zoom.js';
export { GraphMinimap, type GraphMinimapProps } from './graph/graph-minimap.js';
export { GraphSearchBox, type GraphSearchBoxProps } from './graph/graph-search-box.js';
export { ExecutionGraph, type ExecutionGraphProps } from './graph/execution-graph.js';

// ParallelTimeline
export * from './timeline/compute/timeline-layout.js';
export * from './timeline/compute/worker-groups.js';
export { useTimelineLayout } from './timeline/use-timeline-layout.js';
export { ParallelTimeline, type ParallelTimelineProps } from './timeline/parallel-timeline.js';

// ParallelismIndicator
export * from './parallelism/compute/parallelism.js';
export { detectHeldBack, heldBackText, heldBackExplanation, HELD_BACK_GRACE_MS, type HeldBack } from './parallelism/compute/held-back.js';
export { useParallelism } from './parallelism/use-parallelism.js';
export { ParallelismIndicator, type ParallelismIndicatorProps } from './parallelism/parallelism-indicator.js';

// SpeedupDashboard
export * from './speedup/compute/replay-schedule.js';
export * from './speedup/compute/speedup.js';
export { useSpeedup } from './speedup/use-speedup.js';
export { SpeedupDashboard, type SpeedupDashboardProps } from './speedup/speedup-dashboard.js';

// ExecutionHistoryTable
export * from './history/compute/sort-runs.js';
export { useSortedRuns } from './history/use-sorted-runs.js';
export { ExecutionHistoryTable, type ExecutionHistoryTableProps } from './history/execution-history-table.js';

// WorkerList
export * from './workers/compute/worker-rows.js';
export { useWorkerRows } from './workers/use-worker-rows.js';
export { WorkerList, type WorkerListProps } from './workers/worker-list.js';
