import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WharfError } from '../../diagnostics/errors.js';
import { createLogger } from '../../util/log.js';
import { apiKeysFromEnv } from './auth.js';
import { AgentServer } from './server.js';
import type { AgentApiBackend, BackfillInput, MarkDataReadyInput } from './types.js';

const KEY = 'secret-api-key-0123456789';

/** A backend with a two-hour rate limit per key and one known mapping. */
class RecordingBackend implements AgentApiBackend {
  marks: MarkDataReadyInput[] = [];
  backfills: BackfillInput[] = [];
  pushes: (string | null)[] = [];
  private accepted = new Map<string, Date>();
  constructor(private readonly now: () => Date) {}
  async markDataReady(input: MarkDataReadyInput) {
    if (input.mapping && input.mapping !== 'app_events')
      throw new WharfError(`No mapping named '${input.mapping}'.`, {
        code: 'schedule.unknown-mapping',
        errorClass: 'config',
        hint: 'Known mappings: app_events.',
      });
    const key = input.type ? `type:${input.type}` : `mapping:${input.mapping}`;
    const last = this.accepted.get(key);
    if (last && this.now().getTime() < last.getTime() + 7_200_000)
      return { accepted: false as const, retryAfter: new Date(last.getTime() + 7_200_000), key };
    this.accepted.set(key, this.now());
    this.marks.push(input);
    return { accepted: true as const, queued: input.dates.map((day) => ({ mapping: 'app_events', day })) };
  }
  /** When set, a backfill waits for it (a request under way during a shutdown). */
  hold: Promise<void> | null = null;
  holding = false;
  async backfill(input: BackfillInput) {
    this.holding = this.hold !== null;
    await this.hold;
    this.backfills.push(input);
    return { queued: [{ mapping: input.mapping, day: input.from }] };
  }
  async cancelBackfill(input: BackfillInput) {
    return { cancelled: [{ mapping: input.mapping, day: input.from }] };
  }
  async status() {
    return { ingestions: { app_events: { days: [] } } };
  }
  async metrics() {
    return 'wharf_queue_depth 0\n';
  }
  async health() {
    return { ok: true, appliedCommit: 'abc' };
  }
  gitPushed(ref: string | null) {
    this.pushes.push(ref);
  }
}

let server: AgentServer;
let backend: RecordingBackend;
let base: string;
let clock: Date;
const logLines: string[] = [];

beforeEach(async () => {
  clock = new Date('2024-03-01T12:00:00Z');
  backend = new RecordingBackend(() => clock);
  const apiKeys = apiKeysFromEnv({ WHARF_API_KEYS: `other-key-9876, ${KEY}` });
  server = new AgentServer({
    backend,
    apiKeys,
    webhookSecret: 'hook-secret-xyz',
    now: () => clock,
    log: createLogger({ write: (l) => logLines.push(l) }),
  });
  const address = await server.listen(0);
  base = `http://127.0.0.1:${address.port}`;
});
afterEach(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = { 'statsig-api-key': KEY }) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/mark_data_ready', () => {
  it("accepts the seed's curl example unchanged (path alias and statsig-api-key header) with 202 and a request id", async () => {
    const { stdout: out } = await promisify(execFile)(
      'curl',
      [
        '-s',
        '-i',
        '--header',
        `statsig-api-key: ${KEY}`,
        '--header',
        'Content-Type: application/json',
        '--request',
        'POST',
        '--data',
        '{"datestamps": "2023-02-20", "type": "events"}',
        `${base}/v1/mark_data_ready_dwh`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(out).toMatch(/^HTTP\/1\.1 202/);
    const body = JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4));
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.queued).toEqual([{ mapping: 'app_events', day: '2023-02-20' }]);
    expect(backend.marks).toEqual([{ dates: ['2023-02-20'], type: 'events' }]);
  });

  it('accepts a list of dates, a mapping instead of a type, and a Bearer key', async () => {
    const res = await post(
      '/v1/mark_data_ready',
      { datestamps: ['2023-02-20', '2023-02-21'], mapping: 'app_events' },
      { authorization: `Bearer ${KEY}` },
    );
    expect(res.status).toBe(202);
    expect(backend.marks).toEqual([{ dates: ['2023-02-20', '2023-02-21'], mapping: 'app_events' }]);
  });

  it('answers 401 for a missing or wrong key, and never logs the key', async () => {
    expect((await post('/v1/mark_data_ready', { datestamps: '2023-02-20', type: 'events' }, {})).status).toBe(401);
    const wrong = await post(
      '/v1/mark_data_ready',
      { datestamps: '2023-02-20', type: 'events' },
      { 'statsig-api-key': 'nope-wrong-key' },
    );
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/Missing or wrong API key/);
    expect(backend.marks).toEqual([]);
    await post('/v1/mark_data_ready', { datestamps: '2023-02-20', type: 'events' });
    expect(logLines.join('')).not.toContain(KEY);
  });

  it('answers 429 with Retry-After for a second request within the window, and 202 after it', async () => {
    expect((await post('/v1/mark_data_ready', { datestamps: '2023-02-20', type: 'events' })).status).toBe(202);
    clock = new Date('2024-03-01T13:30:00Z');
    const limited = await post('/v1/mark_data_ready', { datestamps: '2023-02-21', type: 'events' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1800');
    expect(((await limited.json()) as { error: string }).error).toMatch(/Rate limited.*2024-03-01T14:00:00.000Z/);
    expect((await post('/v1/mark_data_ready', { datestamps: '2023-02-21', type: 'metrics' })).status).toBe(202);
    clock = new Date('2024-03-01T14:00:00Z');
    expect((await post('/v1/mark_data_ready', { datestamps: '2023-02-21', type: 'events' })).status).toBe(202);
  });

  it.each([
    ['not json', '{"datestamps": ', /not valid JSON/],
    ['an array', '[1]', /must be a JSON object/],
    ['no datestamps', { type: 'events' }, /'datestamps' is missing/],
    ['a bad date', { datestamps: '2023-02-30', type: 'events' }, /'datestamps' has "2023-02-30", which is not a date/],
    ['a bad date in a list', { datestamps: ['2023-02-20', '20230221'], type: 'events' }, /"20230221"/],
    [
      'an unknown type',
      { datestamps: '2023-02-20', type: 'clicks' },
      /Unknown type "clicks"; use "events" or "metrics"/,
    ],
    ['type and mapping', { datestamps: '2023-02-20', type: 'events', mapping: 'x' }, /either 'type'.*or 'mapping'/],
    ['an unknown field', { datestamps: '2023-02-20', type: 'events', extra: 1 }, /Unknown field\(s\) 'extra'/],
    ['an unknown mapping', { datestamps: '2023-02-20', mapping: 'nope' }, /No mapping named 'nope'/],
  ])('answers 400 with the reason for %s', async (_what, body, reason) => {
    const res = await post('/v1/mark_data_ready', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(reason);
  });
});

describe('other routes', () => {
  it('queues a backfill and checks its range', async () => {
    expect((await post('/v1/backfill', { mapping: 'app_events', from: '2024-01-01', to: '2024-01-31' })).status).toBe(
      202,
    );
    expect(backend.backfills).toEqual([{ mapping: 'app_events', from: '2024-01-01', to: '2024-01-31' }]);
    const bad = await post('/v1/backfill', { mapping: 'app_events', from: '2024-02-01', to: '2024-01-31' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/'to' \(2024-01-31\) is before 'from'/);
    expect(
      (await post('/v1/backfill', { mapping: 'app_events', from: '2024-01-01', to: '2024-01-31' }, {})).status,
    ).toBe(401);
  });

  it('serves status (with a key), health, metrics, and 404/405 for the rest', async () => {
    expect((await fetch(`${base}/v1/status`)).status).toBe(401);
    const status = await fetch(`${base}/v1/status`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await status.json()).toEqual({ ingestions: { app_events: { days: [] } } });
    // The documented x-api-key header (docs/agent.md) works too; a wrong one does not.
    expect((await fetch(`${base}/v1/status`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    expect((await fetch(`${base}/v1/status`, { headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, appliedCommit: 'abc' });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    expect(await metrics.text()).toBe('wharf_queue_depth 0\n');
    const unknown = await fetch(`${base}/v1/nothing`);
    expect(unknown.status).toBe(404);
    // It names what there is instead; without a page, the root is no exception.
    const { error } = (await unknown.json()) as { error: string };
    expect(error).toMatch(/^No route GET \/v1\/nothing\. The agent serves POST \/v1\/mark_data_ready, .*GET \/healthz/);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/v1/mark_data_ready`)).status).toBe(405);
  });

  it('takes a Git push webhook only with a valid signature', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' });
    const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const hook = (signature: string) =>
      fetch(`${base}/v1/webhooks/git`, {
        method: 'POST',
        headers: { 'x-hub-signature-256': signature, 'x-github-event': 'push' },
        body,
      });
    expect((await hook(sign('wrong-secret'))).status).toBe(401);
    expect((await hook('sha256=zz')).status).toBe(401);
    expect(backend.pushes).toEqual([]);
    expect((await hook(sign('hook-secret-xyz'))).status).toBe(202);
    expect(backend.pushes).toEqual(['refs/heads/main']);
  });
});

describe('bounded requests', () => {
  /** A raw request: headers sent, then `bodyBytes` of the body (of `announced` in content-length), left open. */
  function rawPost(
    path: string,
    announced: number,
    bodyBytes: number,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${base}${path}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(announced), ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(bodyBytes));
      // Never ended: only an answer given before the body is complete arrives.
    });
  }

  it('checks the key before reading the body: an unauthenticated request is answered before its body is sent', async () => {
    const res = await rawPost('/v1/mark_data_ready', 1_000_000, 10);
    expect(res.status).toBe(401);
    const status = await rawPost('/v1/backfill', 1_000, 10, { 'statsig-api-key': 'wrong' });
    expect(status.status).toBe(401);
  });

  it('refuses a body over 64 KB with 413, announced or sent', async () => {
    expect((await rawPost('/v1/backfill', 10_000_000, 10, { 'statsig-api-key': KEY })).status).toBe(413);
    const sent = await post(
      '/v1/backfill',
      JSON.stringify({ mapping: 'app_events', from: '2024-01-01', to: '2024-01-02', pad: 'x'.repeat(70_000) }),
    );
    expect(sent.status).toBe(413);
    expect(backend.backfills).toEqual([]);
  });

  it.each([
    [
      'JSON nested 30,000 levels deep',
      `{"datestamps": ${'['.repeat(30_000)}${']'.repeat(30_000)}, "type": "events"}`,
      400,
      /nests objects or arrays more than 16 levels/,
    ],
    [
      'JSON nested 100,000 levels deep (sent without content-length)',
      '['.repeat(100_000) + ']'.repeat(100_000),
      400,
      /nests objects or arrays more than 16 levels/,
    ],
    [
      'a body over 64 KB',
      JSON.stringify({ datestamps: '2023-02-20', type: 'events', pad: 'x'.repeat(70_000) }),
      413,
      /larger than 65536 bytes/,
    ],
    ['an empty body', '', 400, /not valid JSON/],
    ['a bare string', '"2024-01-01"', 400, /must be a JSON object/],
  ])('answers %s with %i', async (_what, body, status, reason) => {
    // Streamed (chunked, no content-length), so the server meets the body as it arrives.
    const res = await fetch(`${base}/v1/mark_data_ready`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'statsig-api-key': KEY },
      body: streamOf(body),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(reason);
  });

  it('refuses unknown fields in a backfill as in mark_data_ready', async () => {
    const res = await post('/v1/backfill', {
      mapping: 'app_events',
      from: '2024-01-01',
      to: '2024-01-02',
      force: true,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      "Unknown field(s) 'force'; expected 'mapping', 'from' and 'to'.",
    );
    expect(backend.backfills).toEqual([]);
  });

  it('cancels queued days', async () => {
    const res = await post('/v1/backfill/cancel', { mapping: 'app_events', from: '2024-01-01', to: '2024-01-31' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { cancelled: unknown }).cancelled).toEqual([
      { mapping: 'app_events', day: '2024-01-01' },
    ]);
    expect(
      (await post('/v1/backfill/cancel', { mapping: 'app_events', from: '2024-01-01', to: '2024-01-31' }, {})).status,
    ).toBe(401);
  });

  it('answers 503 to new requests while it drains, and answers the requests under way before closing', async () => {
    let release!: () => void;
    backend.hold = new Promise<void>((resolve) => (release = resolve));
    const underWay = post('/v1/backfill', { mapping: 'app_events', from: '2024-01-01', to: '2024-01-02' });
    await until(() => backend.holding);
    const closed = server.close();
    const refused = await fetch(`${base}/healthz`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(/shutting down/);
    release();
    expect((await underWay).status).toBe(202);
    await closed;
  });
});

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
      controller.close();
    },
  });
}

async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, 10));
}
