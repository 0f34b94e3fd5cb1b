/**
 * The agent's read-only page, on the API's port:
 *
 *   GET /ui                          every ingestion: latest day, status, last load, rows,
 *                                    rejects, next scheduled load; the experiments
 *   GET /ui/ingestions/<mapping>     its summary, 90-day calendar strip and day table
 *   GET /ui/experiments/<name>       its results with the lift, cumulative lift and exposures charts
 *
 * Server-rendered HTML with the charts inlined as SVG: no scripts, no build step, nothing
 * fetched from elsewhere (a Content-Security-Policy forbids it). Readable with an API key or
 * a read token (see auth.ts).
 */
import type { IncomingMessage } from 'node:http';
import { calendarStripSvg } from '../../charts/calendar.js';
import { experimentCharts } from '../../charts/experiment.js';
import { summarizeLedger } from '../../status/ledger-summary.js';
import { ingestionStatus } from '../../status/status-day.js';
import { authorizePage } from './auth.js';
import { messagePage, experimentPage, ingestionPage, overviewPage } from './views.js';
import type { PageBackend } from './types.js';

export interface PageReply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

const html = (status: number, body: string): PageReply => ({ status, body, headers: { ...HTML_HEADERS } });

export class AgentPage {
  constructor(
    private readonly backend: PageBackend,
    private readonly secrets: () => string[],
  ) {}

  /** Whether a path belongs to the page. */
  static owns(path: string): boolean {
    return path === '/ui' || path.startsWith('/ui/');
  }

  async handle(req: IncomingMessage): Promise<PageReply> {
    const url = new URL(req.url ?? '/ui', 'http://agent.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return {
        ...html(405, messagePage('Not allowed', 'The page is read-only: use GET.')),
        headers: { ...HTML_HEADERS, allow: 'GET, HEAD' },
      };
    const auth = authorizePage(req, url, this.secrets());
    if (!auth.ok) {
      return html(
        401,
        messagePage(
          'Sign in',
          'Open this page with ?token=<read token or API key> once (a cookie keeps you signed in), or send Authorization: Bearer <key>.',
        ),
      );
    }
    if ('redirect' in auth)
      return {
        status: 303,
        body: '',
        headers: { ...HTML_HEADERS, location: auth.redirect, 'set-cookie': auth.setCookie },
      };
    const parts = url.pathname
      .replace(/\/+$/, '')
      .split('/')
      .slice(2)
      .map((p) => decodeURIComponent(p));
    if (parts.length === 0) return this.overview();
    if (parts.length === 2 && parts[0] === 'ingestions') return this.ingestion(parts[1]);
    if (parts.length === 2 && parts[0] === 'experiments') return this.experiment(parts[1]);
    return html(404, messagePage('Not found', `Nothing at ${url.pathname}.`));
  }

  private async overview(): Promise<PageReply> {
    const o = await this.backend.overview();
    if (!o)
      return html(503, messagePage('Starting', 'No configuration has been applied yet; see GET /v1/status for why.'));
    return html(200, overviewPage(o));
  }

  private async ingestion(name: string): Promise<PageReply> {
    const o = await this.backend.overview();
    const info = o?.ingestions.find((i) => i.name === name);
    if (!o || !info)
      return html(404, messagePage('Not found', `No ingestion named '${name}' in the configuration in effect.`));
    const ledger = o.ledger.filter((e) => e.ingestion === name);
    const file = ingestionStatus(info, ledger);
    const summary = summarizeLedger(
      ledger,
      o.attempts.filter((a) => a.ingestion === name),
    )[0];
    return html(200, ingestionPage(file, summary, await calendarStripSvg(file)));
  }

  private async experiment(name: string): Promise<PageReply> {
    const data = await this.backend.experiment(name);
    if (!data)
      return html(
        404,
        messagePage(
          'Not found',
          `No experiment named '${name}' with results; run ingest experiment run ${name} first.`,
        ),
      );
    return html(200, experimentPage(data.results, await experimentCharts(data.results, data.history)));
  }
}
