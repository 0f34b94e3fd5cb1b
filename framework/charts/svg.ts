/**
 * Vega-Lite spec → SVG text, on the server, with no canvas and no network: Vega's own SVG
 * string renderer (`view.toSVG()`), a loader that refuses every URL, and text widths
 * estimated from the font size (so the same data always gives the same bytes).
 *
 * Vega-Lite was chosen over hand-drawn SVG because scales, axes, tick choice and the ARIA
 * attributes of marks are its job, and over d3 because it needs no DOM shim. What this module
 * adds: a `<title>`/`<desc>` text alternative for the whole chart, a `<title>` on every data
 * mark (hover text, from the mark's `description` encoding), and the theme's dark-mode CSS.
 */
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { isMissing } from '../util/optional-import.js';
import { THEME_CSS, VEGA_CONFIG } from './theme.js';
import { internalError } from '../diagnostics/errors.js';

interface ChartEngines {
  vega: typeof Vega;
  compile: typeof import('vega-lite').compile;
}

let engines: Promise<ChartEngines | null> | undefined;

/**
 * vega and vega-lite are optional peer dependencies (about 23 MB, needed only where charts are
 * drawn: the agent's status reports and page). Without them charts are left out, the tables
 * stay; `ingest init` projects list both. Loaded once, when the first chart is drawn.
 */
export function chartEngines(): Promise<ChartEngines | null> {
  engines ??= (async () => {
    try {
      const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
      return { vega, compile: vegaLite.compile };
    } catch (err) {
      if (isMissing(err, 'vega') || isMissing(err, 'vega-lite')) return null;
      throw err;
    }
  })();
  return engines;
}

export interface ChartText {
  /** Short name of the chart (the accessible name). */
  title: string;
  /** A sentence or two of what the chart shows, with its key figures. */
  desc: string;
}

/** A loader for the offline renderer that refuses (and records) every URL: charts carry their data inline. */
function offlineLoader(vega: typeof Vega, refused: string[]): Vega.Loader {
  const refuse = async (uri: string) => {
    refused.push(uri);
    throw internalError(`Charts never load ${uri}: pass the values inline.`);
  };
  return { ...vega.loader(), load: refuse, sanitize: refuse } as unknown as Vega.Loader;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Renders a Vega-Lite spec to a standalone, accessible, themed SVG document; null without vega installed. */
export async function renderChart(spec: TopLevelSpec, text: ChartText): Promise<string | null> {
  const found = await chartEngines();
  if (!found) return null;
  const { vega, compile } = found;
  const compiled = compile({
    ...spec,
    config: { ...VEGA_CONFIG, ...(spec as { config?: object }).config },
  } as unknown as TopLevelSpec).spec;
  const refused: string[] = [];
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    loader: offlineLoader(vega, refused),
    logLevel: vega.None,
  });
  try {
    const svg = await view.toSVG();
    // Vega logs a failed load and draws an empty chart: make it an error instead.
    if (refused.length)
      throw internalError(`Charts never load data from ${refused.join(', ')}: pass the values inline.`);
    return decorate(svg, text);
  } finally {
    view.finalize();
  }
}

/** Adds the root title/desc and CSS, and turns every data mark's aria-label into a hover `<title>`. */
function decorate(svg: string, text: ChartText): string {
  const open = svg.indexOf('>') + 1;
  const head = svg.slice(0, open).replace('class="marks"', 'class="marks wharf-chart" role="img"');
  const extra = `<title>${escapeXml(text.title)}</title><desc>${escapeXml(text.desc)}</desc><style>\n${THEME_CSS}\n</style>`;
  const body = svg
    .slice(open)
    .replace(
      /<path ([^>]*?)aria-label="([^"]*)" role="graphics-symbol"([^>]*?)\/>/g,
      '<path $1aria-label="$2" role="graphics-symbol"$3><title>$2</title></path>',
    );
  return `${head}${extra}${body}\n`;
}
