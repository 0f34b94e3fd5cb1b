/**
 * The page's access rules and routes through the real HTTP server: API key or read token,
 * the one-time ?token= sign-in (cookie holding a digest, clean URL), read-only, escaping,
 * and no token in the request log.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../util/log.js';
import { AgentServer } from '../api/server.js';
import type { AgentApiBackend } from '../api/types.js';
import { AgentPage } from './handler.js';
import type { PageBackend, PageOverview } from './types.js';

const KEY = 'api-key-for-page-0042';
const TOKEN = 'read-token-for-page-0077';

const api: AgentApiBackend = {
  markDataReady: async () => ({ accepted: true, queued: [] }),
  backfill: async () => ({ queued: [] }),
  cancelBackfill: async () => ({ cancelled: [] }),
  status: async () => ({}),
  metrics: async () => '',
  health: async () => ({ ok: true }),
  gitPushed: () => undefined,
};

const at = new Date('2024-03-02T09:00:00Z');
const overview: PageOverview = {
  project: 'demo <&>',
  config: { appliedCommit: 'abc1234def', rejected: null },
  ingestions: [{ name: 'app_events', dataset: 'events', schedule: 'daily_9am' }],
  ledger: [
    {
      ingestion: 'app_events',
      date: '2024-03-01',
      status: 'failed',
      errorClass: 'query',
      errorMessage: 'no table <b>x</b>',
      errorHint: 'Create <b>x</b> or fix mappings/app_events.sql.',
      rowsLoaded: 0,
      rowsRejected: 0,
      rejectReasons: {},
      duplicates: 0,
      sourceRowCount: null,
      sourceFingerprint: null,
      configHash: 'h',
      commitSha: null,
      trigger: 'schedule',
      startedAt: at,
      finishedAt: at,
      firstLoadedAt: null,
      loadId: 'l',
    },
  ],
  attempts: [],
  nextLoads: new Map([['app_events', { at: new Date('2024-03-02T17:00:00Z'), why: 'daily window (daily_9am)' }]]),
  experiments: [{ name: 'checkout_button', hasResults: false }],
};
const backend: PageBackend = { overview: async () => overview, experiment: async () => null };

let server: AgentServer;
let base: string;
const logLines: string[] = [];

beforeEach(async () => {
  server = new AgentServer({
    backend: api,
    apiKeys: [KEY],
    page: new AgentPage(backend, () => [KEY, TOKEN]),
    log: createLogger({ write: (l) => logLines.push(l) }),
  });
  base = `http://127.0.0.1:${(await server.listen(0)).port}`;
});
afterEach(() => server.close());

describe('the agent page', () => {
  it('refuses a request without a key or token', async () => {
    const res = await fetch(`${base}/ui`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('?token=');
    expect((await fetch(`${base}/ui`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect(
      (
        await fetch(`${base}/ui`, {
          headers: { cookie: `wharf_ui=${createHash('sha256').update('nope').digest('hex')}` },
        })
      ).status,
    ).toBe(401);
  });

  it('serves the overview with an API key, escaped, with the next load and a strict CSP', async () => {
    const res = await fetch(`${base}/ui`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('demo &lt;&amp;&gt;: ingestion status');
    expect(html).toContain('2024-03-02T17:00:00.000Z <span class="muted">daily window (daily_9am)</span>');
    expect(html).toContain('✗ failed');
    expect(html).toContain('checkout_button <span class="muted">(not run yet)</span>');
    expect(html).not.toMatch(/<script/i);
  });

  it('signs in once with ?token=: a cookie with the digest only, then the clean URL', async () => {
    const res = await fetch(`${base}/ui/ingestions/app_events?token=${TOKEN}&x=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui/ingestions/app_events?x=1');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toBe(
      `wharf_ui=${createHash('sha256').update(TOKEN).digest('hex')}; HttpOnly; SameSite=Strict; Path=/ui`,
    );
    const page = await fetch(`${base}/ui/ingestions/app_events`, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(
      'query: no table &lt;b&gt;x&lt;/b&gt; — Create &lt;b&gt;x&lt;/b&gt; or fix mappings/app_events.sql.',
    );
    expect(html).toContain('<svg');
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });

  it('is where a browser pointed at the agent lands, with its sign-in token', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/ui']);
    const signIn = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(signIn.headers.get('location')).toBe(`/ui?token=${TOKEN}`);
    const page = await fetch(`${base}/`, { headers: { authorization: `Bearer ${KEY}` } });
    expect([page.status, page.url]).toEqual([200, `${base}/ui`]);
    expect(await page.text()).toContain('ingestion status');
  });

  it('is read-only and answers 404 for unknown pages', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    expect((await fetch(`${base}/ui`, { method: 'POST', headers: auth })).status).toBe(405);
    expect((await fetch(`${base}/ui/ingestions/nope`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/ui/experiments/checkout_button`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/ui/other/thing`, { headers: auth })).status).toBe(404);
  });
});
