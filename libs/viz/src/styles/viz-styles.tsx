import { createContext, useContext, useMemo, type CSSProperties, type ReactNode } from 'react';

/** The built-in themes: `auto` follows the browser's `prefers-color-scheme`. */
export type WeftThemeName = 'light' | 'dark' | 'auto';

/** The attribute that picks a built-in theme for everything inside the element that carries it. */
export const WEFT_THEME_ATTRIBUTE = 'data-weft-theme';

/** The kit's variables in the light theme (the default). */
export const weftLightTheme: Readonly<Record<`--weft-${string}`, string>> = {
  '--weft-fg': '#1f2933',
  '--weft-muted-fg': '#52606d',
  '--weft-bg': '#ffffff',
  '--weft-surface': '#f5f7fa',
  '--weft-grid': '#e4e7eb',
  '--weft-edge': '#9aa5b1',
  '--weft-focus': '#7c3aed', // violet: never the critical path's amber
  '--weft-on-status': '#ffffff',
  '--weft-on-stale': '#1f2933',
  '--weft-color-pending': '#cbd2d9',
  '--weft-color-running': '#2563eb',
  '--weft-color-succeeded': '#15803d',
  '--weft-color-failed': '#dc2626',
  '--weft-color-skipped': '#e4e7eb',
  '--weft-color-cancelled': '#616e7c',
  '--weft-color-critical': '#f59e0b',
  '--weft-color-concurrency': '#93c5fd',
  '--weft-color-now': '#2563eb',
  '--weft-color-stale': '#f59e0b',
};

/** The kit's variables in the dark theme. */
export const weftDarkTheme: Readonly<Record<`--weft-${string}`, string>> = {
  '--weft-fg': '#e5e9f0',
  '--weft-muted-fg': '#a3b1c2',
  '--weft-bg': '#16202b',
  '--weft-surface': '#1f2b38',
  '--weft-grid': '#334155',
  '--weft-edge': '#64748b',
  '--weft-focus': '#a78bfa',
  '--weft-on-status': '#0b1220',
  '--weft-on-stale': '#1f2933',
  '--weft-color-pending': '#475569',
  '--weft-color-running': '#60a5fa',
  '--weft-color-succeeded': '#4ade80',
  '--weft-color-failed': '#f87171',
  '--weft-color-skipped': '#334155',
  '--weft-color-cancelled': '#94a3b8',
  '--weft-color-critical': '#fbbf24',
  '--weft-color-concurrency': '#1e3a8a',
  '--weft-color-now': '#60a5fa',
  '--weft-color-stale': '#fbbf24',
};

const declarations = (vars: Readonly<Record<string, string>>) =>
  Object.entries(vars)
    .map(([name, value]) => `  ${name}: ${value};`)
    .join('\n');

/**
 * The kit's stylesheet. Every colour, font and size is a `--weft-*` CSS variable. The defaults are
 * declared once, on the document root with zero specificity (`:where(:root)`), and the widgets only
 * read them: a value set on any ancestor (the page, a container, the widget's own `className`)
 * applies. `data-weft-theme="dark"` (or the class `weft-theme-dark`) on any ancestor switches to the
 * built-in dark theme, `"auto"` follows `prefers-color-scheme`, `"light"` switches back inside a dark
 * part. Components inject it themselves through React 19's hoisted, deduplicated `<style>`; apps that
 * prefer a static file can write `weftVizCss` out and pass `injectStyles={false}`.
 */
export const weftVizCss = `
:where(:root, :host, [data-weft-theme="light"], .weft-theme-light) {
  --weft-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --weft-font-size: 12px;
  --weft-pulse-duration: 1.2s;
${declarations(weftLightTheme)}
}
:where([data-weft-theme="dark"], .weft-theme-dark) {
${declarations(weftDarkTheme)}
}
@media (prefers-color-scheme: dark) {
  :where([data-weft-theme="auto"], .weft-theme-auto) {
${declarations(weftDarkTheme)}
  }
}
:where([data-weft-theme], .weft-theme-light, .weft-theme-dark, .weft-theme-auto) {
  color: var(--weft-fg);
  background-color: var(--weft-bg);
}
:where([data-weft-theme="light"], .weft-theme-light) { color-scheme: light; }
:where([data-weft-theme="dark"], .weft-theme-dark) { color-scheme: dark; }
:where([data-weft-theme="auto"], .weft-theme-auto) { color-scheme: light dark; }
:where(.weft-viz) {
  font-family: var(--weft-font, system-ui, sans-serif);
  font-size: var(--weft-font-size, 12px);
  color: var(--weft-fg, #1f2933);
  background-color: var(--weft-bg, #ffffff);
}
svg.weft-viz { display: block; max-width: 100%; overflow: visible; }
.weft-muted-cell { color: var(--weft-muted-fg); }
.weft-viz text { fill: var(--weft-fg); font-family: var(--weft-font); }
.weft-viz .weft-muted { fill: var(--weft-muted-fg); }
.weft-viz [tabindex]:focus { outline: none; }
.weft-viz [tabindex]:focus-visible > .weft-shape,
.weft-viz [tabindex]:focus > .weft-shape { stroke: var(--weft-focus); stroke-width: 3px; }

.weft-status-pending { --weft-status: var(--weft-color-pending); }
.weft-status-running { --weft-status: var(--weft-color-running); }
.weft-status-succeeded { --weft-status: var(--weft-color-succeeded); }
.weft-status-failed { --weft-status: var(--weft-color-failed); }
.weft-status-skipped { --weft-status: var(--weft-color-skipped); }
.weft-status-cancelled { --weft-status: var(--weft-color-cancelled); }

/* graph */
.weft-graph-node > .weft-shape { fill: var(--weft-bg); stroke: var(--weft-status); stroke-width: 2px; }
.weft-graph-node > .weft-node-band { fill: var(--weft-status); }
.weft-graph-node.weft-status-running > .weft-shape { fill: color-mix(in srgb, var(--weft-color-running) 12%, var(--weft-bg)); }
.weft-graph-node.weft-status-failed > .weft-shape { fill: color-mix(in srgb, var(--weft-color-failed) 10%, var(--weft-bg)); }
.weft-graph-node.weft-status-skipped > .weft-shape,
.weft-graph-node.weft-status-pending > .weft-shape { stroke-dasharray: 4 3; stroke: var(--weft-edge); }
.weft-graph-node.weft-status-skipped > .weft-shape,
.weft-graph-node.weft-status-skipped > .weft-node-band { stroke-opacity: 0.7; fill-opacity: 0.7; }
.weft-viz .weft-graph-node.weft-status-skipped text, .weft-viz .weft-graph-node.weft-status-pending text { fill: var(--weft-muted-fg); }
.weft-graph-node.weft-critical > .weft-shape { stroke-width: 3px; }
.weft-graph-node.weft-critical.weft-status-pending > .weft-shape { stroke: var(--weft-color-critical); }
.weft-graph-node .weft-node-title { font-weight: 600; }
.weft-viz .weft-graph-node .weft-node-detail { fill: var(--weft-muted-fg); font-size: 0.9em; }
.weft-graph-node .weft-pulse { fill: none; stroke: var(--weft-color-running); stroke-width: 2px; opacity: 0; pointer-events: none; }
.weft-graph-node.weft-status-running .weft-pulse {
  animation: weft-pulse var(--weft-pulse-duration) ease-out infinite;
  transform-box: fill-box; transform-origin: center;
}
@keyframes weft-pulse {
  0% { opacity: 0.9; transform: scale(1); }
  100% { opacity: 0; transform: scale(1.12, 1.35); }
}
.weft-graph-edge { fill: none; stroke: var(--weft-edge); stroke-width: 1.5px; }
.weft-graph-edge.weft-critical { stroke: var(--weft-color-critical); stroke-width: 3px; }
.weft-graph-arrow { fill: var(--weft-edge); }
.weft-graph-arrow.weft-critical { fill: var(--weft-color-critical); }
.weft-tooltip > rect { fill: var(--weft-fg); opacity: 0.95; }
.weft-viz .weft-tooltip text { fill: var(--weft-bg); }

/* timeline */
.weft-timeline-lane { fill: var(--weft-surface); }
.weft-timeline-grid { stroke: var(--weft-grid); }
.weft-timeline-bar > .weft-shape { fill: var(--weft-status); stroke: transparent; stroke-width: 2px; }
.weft-timeline-bar.weft-status-skipped > .weft-shape { fill: var(--weft-color-skipped); }
.weft-timeline-bar.weft-retried > .weft-shape { stroke: var(--weft-color-failed); stroke-width: 1px; }
.weft-timeline-bar.weft-critical > .weft-shape { stroke: var(--weft-color-critical); stroke-width: 2.5px; }
.weft-timeline-bar.weft-status-running > .weft-shape { animation: weft-bar-pulse var(--weft-pulse-duration) ease-in-out infinite alternate; }
@keyframes weft-bar-pulse { from { opacity: 1; } to { opacity: 0.65; } }
.weft-viz .weft-timeline-bar text { fill: var(--weft-on-status); pointer-events: none; }
.weft-viz .weft-timeline-bar.weft-status-skipped text,
.weft-viz .weft-timeline-bar.weft-status-pending text,
.weft-viz .weft-timeline-bar.weft-retried text { fill: var(--weft-fg); }
.weft-hatch-bg { fill: color-mix(in srgb, var(--weft-color-failed) 25%, var(--weft-bg)); }
.weft-hatch-line { stroke: var(--weft-color-failed); stroke-width: 2px; }
.weft-concurrency-area { fill: var(--weft-color-concurrency); }
.weft-concurrency-line { fill: none; stroke: var(--weft-color-running); stroke-width: 1.5px; }
.weft-limit-line { stroke: var(--weft-color-failed); stroke-dasharray: 3 3; }
.weft-now-line { stroke: var(--weft-color-now); stroke-width: 2px; }
.weft-axis-line { stroke: var(--weft-edge); }
.weft-viz .weft-timeline-group-label { font-weight: 600; }
.weft-timeline-group-rule { stroke: var(--weft-edge); stroke-dasharray: 2 3; }

/* indicator */
.weft-slot > .weft-shape { fill: var(--weft-surface); stroke: var(--weft-grid); }
.weft-slot.weft-busy > .weft-shape { fill: var(--weft-color-running); stroke: var(--weft-color-running); }
.weft-slot.weft-busy.weft-live > .weft-shape { animation: weft-bar-pulse var(--weft-pulse-duration) ease-in-out infinite alternate; }
.weft-slot.weft-peak-mark > .weft-shape { stroke: var(--weft-color-critical); stroke-width: 2px; }
.weft-indicator-headline { font-size: 1.6em; font-weight: 600; }

/* speedup */
.weft-speedup-headline { font-size: 2.2em; font-weight: 700; }
.weft-speedup-bar > .weft-shape { fill: var(--weft-edge); }
.weft-speedup-bar.weft-parallel > .weft-shape { fill: var(--weft-color-running); }
.weft-speedup-bar.weft-ideal > .weft-shape { fill: var(--weft-color-critical); }
.weft-whatif-bar > .weft-shape { fill: var(--weft-color-concurrency); }
.weft-whatif-bar.weft-current > .weft-shape { fill: var(--weft-color-running); }

/* history */
.weft-history { border-collapse: collapse; width: 100%; font-family: var(--weft-font); font-size: var(--weft-font-size); color: var(--weft-fg); }
.weft-history th, .weft-history td { padding: 6px 10px; border-bottom: 1px solid var(--weft-grid); text-align: left; }
.weft-history td.weft-num, .weft-history th.weft-num { text-align: right; font-variant-numeric: tabular-nums; }
.weft-history th button { all: unset; cursor: pointer; font-weight: 600; }
.weft-history th button:focus-visible { outline: 2px solid var(--weft-focus); }
.weft-history tbody tr[tabindex] { cursor: pointer; }
.weft-history tbody tr:hover, .weft-history tbody tr:focus { background: var(--weft-surface); outline: none; }
.weft-history tbody tr[tabindex]:focus-visible { outline: 2px solid var(--weft-focus); outline-offset: -2px; }
.weft-history-status { display: inline-block; padding: 1px 8px; border-radius: 9px; background: var(--weft-status); color: var(--weft-on-status); }
.weft-history-status.weft-status-skipped, .weft-history-status.weft-status-pending { color: var(--weft-fg); }

/* workers */
.weft-workers { border-collapse: collapse; width: 100%; font-family: var(--weft-font); font-size: var(--weft-font-size); color: var(--weft-fg); }
.weft-workers caption { text-align: left; font-weight: 600; padding: 4px 0; }
.weft-workers th, .weft-workers td { padding: 6px 10px; border-bottom: 1px solid var(--weft-grid); text-align: left; vertical-align: middle; }
.weft-workers thead th { font-weight: 600; }
.weft-workers tbody th { font-weight: 500; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.weft-workers .weft-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.weft-workers .weft-worker-stale th, .weft-workers .weft-worker-stale td { color: var(--weft-muted-fg); }
.weft-chips { display: flex; flex-wrap: wrap; gap: 4px; margin: 0; padding: 0; list-style: none; }
.weft-chip { padding: 0 8px; border-radius: 9px; background: var(--weft-surface); border: 1px solid var(--weft-grid); }
.weft-worker-meter { display: inline-block; width: 40px; height: 6px; margin-left: 6px; border-radius: 3px; background: var(--weft-grid); vertical-align: middle; overflow: hidden; }
.weft-worker-meter > span { display: block; height: 100%; background: var(--weft-color-running); }
.weft-stale-badge { display: inline-block; padding: 0 6px; border-radius: 9px; background: var(--weft-color-stale); color: var(--weft-on-stale); font-size: 0.9em; }
/* tables on a phone: each row a small card of "label value" lines (the header's sort buttons wrap above) */
.weft-table-scroll { container-type: inline-size; }
@container (max-width: 479px) {
  .weft-history, .weft-history caption, .weft-history thead, .weft-history tbody, .weft-history tr, .weft-history td,
  .weft-workers, .weft-workers caption, .weft-workers tbody, .weft-workers tr, .weft-workers th, .weft-workers td { display: block; }
  .weft-history thead tr { display: flex; flex-wrap: wrap; gap: 2px 14px; padding: 0 0 4px; border-bottom: 1px solid var(--weft-grid); }
  .weft-history thead th { display: block; padding: 2px 0; border: 0; }
  .weft-workers thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .weft-history tbody tr, .weft-workers tbody tr { padding: 6px 0; border-bottom: 1px solid var(--weft-grid); }
  .weft-history td, .weft-workers td, .weft-workers tbody th { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; padding: 2px 0; border: 0; text-align: right; }
  .weft-history td[data-label]::before, .weft-workers td[data-label]::before { content: attr(data-label); color: var(--weft-muted-fg); text-align: left; font-family: var(--weft-font); font-weight: 400; }
  .weft-workers td .weft-chips { justify-content: flex-end; }
}
.weft-sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

@media (prefers-reduced-motion: reduce) {
  .weft-graph-node.weft-status-running .weft-pulse { animation: none; opacity: 0.6; transform: none; }
  .weft-timeline-bar.weft-status-running > .weft-shape,
  .weft-slot.weft-busy.weft-live > .weft-shape { animation: none; }
}
`;

/** What {@link WeftStylesProvider} hands to the widgets inside it. */
export interface WeftStylesOptions {
  /**
   * The CSP nonce of the injected `<style>` (for a `style-src 'nonce-…'` policy without
   * `'unsafe-inline'`). The first injection in a document wins: React adds the stylesheet once.
   */
  readonly nonce?: string;
}

const WeftStylesContext = createContext<WeftStylesOptions>({});

/**
 * Gives every widget inside it the options of the injected stylesheet (its CSP `nonce`); an option
 * left out is taken from an enclosing provider. Renders no element.
 */
export function WeftStylesProvider({ nonce, children }: WeftStylesOptions & { readonly children?: ReactNode }) {
  const outer = useContext(WeftStylesContext);
  const value = useMemo(() => ({ nonce: nonce ?? outer.nonce }), [nonce, outer.nonce]);
  return <WeftStylesContext.Provider value={value}>{children}</WeftStylesContext.Provider>;
}

/**
 * Injects the kit's stylesheet once per document (React 19 hoists and deduplicates it by `href`).
 * `nonce` defaults to the one of the nearest {@link WeftStylesProvider} or {@link WeftTheme}.
 */
export function VizStyles(props: WeftStylesOptions = {}) {
  const fromContext = useContext(WeftStylesContext);
  const nonce = props.nonce ?? fromContext.nonce;
  return (
    <style href="weft-viz" precedence="low" nonce={nonce}>
      {weftVizCss}
    </style>
  );
}

/** {@link VizStyles} under the name the README uses. */
export const WeftStyles = VizStyles;

export interface WeftThemeProps extends WeftStylesOptions {
  /** The built-in theme of everything inside; `auto` follows `prefers-color-scheme`. @default 'auto' */
  readonly theme?: WeftThemeName;
  readonly className?: string;
  /** Inline styles of the wrapper; `--weft-*` variables set here override the theme's. */
  readonly style?: CSSProperties;
  readonly children?: ReactNode;
}

/**
 * A `<div data-weft-theme="…">` that themes the widgets inside it (it paints `--weft-bg` behind them
 * and sets `color-scheme`), injects the stylesheet with `nonce` and passes `nonce` on to them.
 * Setting the attribute (or the class `weft-theme-dark`…) on any element of your own does the same.
 */
export function WeftTheme({ theme = 'auto', nonce, className, style, children }: WeftThemeProps) {
  return (
    <WeftStylesProvider nonce={nonce}>
      <VizStyles />
      <div data-weft-theme={theme} className={className} style={style}>
        {children}
      </div>
    </WeftStylesProvider>
  );
}

/** Common styling props of every widget. */
export interface VizStyleProps {
  /** Extra class on the root element (set `--weft-*` variables on it to theme this widget alone). */
  readonly className?: string;
  /** Inject the kit's stylesheet. Turn off when the app includes `weftVizCss` itself. @default true */
  readonly injectStyles?: boolean;
}
