/**
 * Colours and text styles the charts share. Every colour has at least 3:1 contrast against
 * both GitHub's light (#ffffff) and dark (#0d1117) page backgrounds, the chart background is
 * transparent, and text switches colour with `prefers-color-scheme` (CSS inside the SVG).
 * Colour is never the only cue: each status also has a glyph and a text label.
 */
export const STATUS_COLORS = {
  succeeded: '#1f883d',
  reloaded: '#0969da',
  no_data: '#6e7781',
  failed: '#cf222e',
} as const;

/** Lift markers: significant up / down, not significant. */
export const LIFT_COLORS = { up: '#1f883d', down: '#cf222e', flat: '#6e7781' } as const;

/** Distinct group colours for time series (control first), readable on light and dark. */
export const GROUP_COLORS = ['#6e7781', '#0969da', '#bf3989', '#9a6700', '#1f883d'];

export const TEXT_LIGHT = '#24292f';
export const TEXT_DARK = '#e6edf3';
export const RULE_LIGHT = '#8c959f';

/** Vega-Lite config: transparent background, fixed fonts (so text widths are estimated the same everywhere). */
export const VEGA_CONFIG = {
  background: null,
  font: 'sans-serif',
  view: { stroke: null },
  axis: {
    labelColor: TEXT_LIGHT,
    titleColor: TEXT_LIGHT,
    domainColor: RULE_LIGHT,
    tickColor: RULE_LIGHT,
    gridColor: RULE_LIGHT,
    gridOpacity: 0.35,
    labelFontSize: 11,
    titleFontSize: 11,
  },
  legend: { labelColor: TEXT_LIGHT, titleColor: TEXT_LIGHT, labelFontSize: 11, titleFontSize: 11, symbolOpacity: 1 },
  title: { color: TEXT_LIGHT, fontSize: 13, anchor: 'start' },
  text: { color: TEXT_LIGHT },
} as const;

/**
 * In dark mode, text and axis lines take the dark theme's colours. Selectors are scoped to
 * the chart's class, so an SVG inlined into a page styles nothing else. Marks that must stay
 * light-on-colour carry the `keep` class in their data (glyphs inside coloured cells).
 */
export const THEME_CSS = [
  `@media (prefers-color-scheme: dark) {`,
  `  .wharf-chart text { fill: ${TEXT_DARK}; }`,
  `  .wharf-chart .role-axis-domain path, .wharf-chart .role-axis-tick path { stroke: ${TEXT_DARK}; }`,
  `  .wharf-chart .role-axis-grid path { stroke: ${TEXT_DARK}; }`,
  `}`,
].join('\n');
