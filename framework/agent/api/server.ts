/**
 * The agent's HTTP API on node:http (loopback by default):
 *
 *   POST /v1/mark_data_ready   (alias /v1/mark_data_ready_dwh, the seed's path)   API key
 *   POST /v1/backfill          {mapping, from, to}                               API key
 *   POST /v1/backfill/cancel   {mapping, from, to}: drop queued days             API key
 *   GET  /v1/status            ledger per ingestion and day                      API key
 *   POST /v1/webhooks/git      GitHub push webhook, X-Hub-Signature-256 checked
 *   GET  /healthz, GET /metrics (Prometheus text)
 *   GET  /ui…                  the read-only page (agent/page/), API key or read token
 *   GET  /                     redirects to /ui (404 listing the routes without the page)
 *
 * Handlers parse, authenticate and answer; the work goes through AgentApiBackend. The key is
 * checked before a body is read, bodies are small (MAX_BODY_BYTES), and a closing server
 * answers 503 to new requests while the ones under way finish.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WharfError, messageOf } from '../../diagnostics/errors.js';
import { redactSecrets } from '../../diagnostics/redact.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { keyMatches, presentedKey, validWebhookSignature } from './auth.js';
import {
  BadRequest,
  JsonDepthGauge,
  MAX_JSON_DEPTH,
  parseBackfill,
  parseJson,
  parseMarkDataReady,
  tooDeep,
} from './request-body.js';
import type { AgentPage } from '../page/handler.js';
import type { AgentApiBackend } from './types.js';

/** Largest request body accepted: the API's bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface AgentServerOptions {
  backend: AgentApiBackend;
  /** Accepted API keys; with none, every authenticated route answers 401. */
  apiKeys: string[];
  /** Secret of the Git push webhook; without it the webhook route answers 404. */
  webhookSecret?: string;
  /** The read-only page under /ui (agent/page/); without it /ui answers 404. */
  page?: AgentPage;
  log?: Logger;
  now?: () => Date;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, body: Buffer, requestId: string) => Promise<Reply>;

/** A route: whether it needs the API key (checked before the body is read) and its handler. */
interface Route {
  key: boolean;
  /** The body is JSON of the API's own: reading stops as soon as it nests too deep. */
  json: boolean;
  handler: Handler;
}

export class AgentServer {
  readonly server: Server;
  private readonly log: Logger;
  private readonly routes: Record<string, Route>;
  private draining = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: AgentServerOptions) {
    this.log = options.log ?? silentLogger;
    const keyed = (handler: Handler): Route => ({ key: true, json: true, handler });
    const open = (handler: Handler): Route => ({ key: false, json: false, handler });
    const mark = keyed((req, body, id) => this.markDataReady(body, id));
    this.routes = {
      'POST /v1/mark_data_ready': mark,
      'POST /v1/mark_data_ready_dwh': mark,
      'POST /v1/backfill': keyed((req, body, id) => this.backfill(body, id)),
      'POST /v1/backfill/cancel': keyed((req, body, id) => this.cancelBackfill(body, id)),
      'GET /v1/status': keyed(async () => ({ status: 200, body: await options.backend.status() })),
      'POST /v1/webhooks/git': open(async (req, body) => this.gitWebhook(req, body)),
      'GET /healthz': open(async () => this.health()),
      'GET /metrics': open(async () => ({
        status: 200,
        body: await options.backend.metrics(),
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
      })),
    };
    this.server = createServer((req, res) => {
      const handled = this.handle(req, res);
      this.inFlight.add(handled);
      void handled.finally(() => this.inFlight.delete(handled));
    });
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  /**
   * Drains: answers 503 to every new request, waits for the requests under way to be
   * answered, then stops listening and closes the connections. Call it before closing what
   * the handlers use (the store).
   */
  async close(): Promise<void> {
    this.draining = true;
    // Still listening meanwhile: a request that arrives now is answered 503, not refused.
    await Promise.allSettled([...this.inFlight]);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const started = Date.now();
    let reply: Reply;
    try {
      if (this.draining) throw new HttpError(503, 'The agent is shutting down; try again when it is back.');
      const route = this.routes[`${req.method} ${path}`];
      const page = this.options.page;
      if (!route && page && (path === '/ui' || path.startsWith('/ui/'))) {
        // The page authenticates by itself (API key or read token) and reads no body.
        reply = await page.handle(req);
      } else if (!route && page && path === '/' && req.method === 'GET') {
        // Where a browser pointed at the agent lands (with its ?token=, which the page signs in with).
        const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        const location = `/ui${query}`;
        reply = { status: 302, body: { location }, headers: { location } };
      } else {
        if (!route) throw this.notFound(req.method ?? '', path);
        if (route.key) this.authenticate(req);
        reply = await route.handler(req, await readBody(req, route.json), requestId);
      }
    } catch (err) {
      reply = this.errorReply(err);
    }
    // A body left unread (refused before reading it) is not read: the connection is closed.
    if (!req.complete) reply.headers = { ...reply.headers, connection: 'close' };
    send(res, reply, requestId);
    this.log.info('http request', {
      method: req.method,
      path,
      status: reply.status,
      requestId,
      ms: Date.now() - started,
    });
  }

  private notFound(method: string, path: string): HttpError {
    const allowed = Object.keys(this.routes)
      .filter((r) => r.endsWith(` ${path}`))
      .map((r) => r.split(' ')[0]);
    return allowed.length
      ? new HttpError(405, `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`)
      : new HttpError(404, `No route ${method} ${path}. The agent serves ${this.routeList()}.`);
  }

  /** The routes, for a 404: what there is to ask for instead. */
  private routeList(): string {
    const routes = Object.keys(this.routes).filter((r) => this.options.webhookSecret || !r.includes('webhooks'));
    if (this.options.page) routes.push('GET /ui (the page)');
    return routes.join(', ');
  }

  private authenticate(req: IncomingMessage): void {
    if (!keyMatches(presentedKey(req), this.options.apiKeys)) {
      throw new HttpError(
        401,
        'Missing or wrong API key: send it as `Authorization: Bearer <key>` or `statsig-api-key: <key>`.',
      );
    }
  }

  private async markDataReady(body: Buffer, requestId: string): Promise<Reply> {
    const input = parseMarkDataReady(parseJson(body.toString('utf8')));
    const answer = await this.options.backend.markDataReady(input, requestId);
    if (!answer.accepted) {
      const seconds = Math.max(1, Math.ceil((answer.retryAfter.getTime() - this.now().getTime()) / 1000));
      return {
        status: 429,
        headers: { 'retry-after': String(seconds) },
        body: {
          error: `Rate limited: one mark_data_ready request per ${answer.key} is accepted per window; try again after ${answer.retryAfter.toISOString()}.`,
          retryAfter: answer.retryAfter.toISOString(),
        },
      };
    }
    this.log.info('mark_data_ready accepted', { requestId, ...input, queued: answer.queued.length });
    return { status: 202, body: { requestId, accepted: true, queued: answer.queued } };
  }

  private async backfill(body: Buffer, requestId: string): Promise<Reply> {
    const input = parseBackfill(parseJson(body.toString('utf8')));
    const { queued } = await this.options.backend.backfill(input, requestId);
    this.log.info('backfill accepted', { requestId, ...input, queued: queued.length });
    return { status: 202, body: { requestId, accepted: true, queued } };
  }

  private async cancelBackfill(body: Buffer, requestId: string): Promise<Reply> {
    const input = parseBackfill(parseJson(body.toString('utf8')));
    const { cancelled } = await this.options.backend.cancelBackfill(input, requestId);
    this.log.info('queued days cancelled', { requestId, ...input, cancelled: cancelled.length });
    return { status: 200, body: { requestId, cancelled } };
  }

  private gitWebhook(req: IncomingMessage, body: Buffer): Reply {
    const secret = this.options.webhookSecret;
    if (!secret) throw new HttpError(404, 'The Git webhook is not enabled: set WHARF_GIT_WEBHOOK_SECRET on the agent.');
    if (!validWebhookSignature(secret, body, req.headers['x-hub-signature-256']))
      throw new HttpError(401, 'The X-Hub-Signature-256 signature does not match the webhook secret.');
    if (req.headers['x-github-event'] === 'ping') return { status: 200, body: { ok: true } };
    let ref: string | null = null;
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { ref?: unknown };
      if (typeof parsed.ref === 'string') ref = parsed.ref;
    } catch {
      // A push notification without a JSON body still means "fetch now".
    }
    this.options.backend.gitPushed(ref);
    return { status: 202, body: { accepted: true } };
  }

  private async health(): Promise<Reply> {
    const health = await this.options.backend.health();
    return { status: health.ok ? 200 : 503, body: health };
  }

  private errorReply(err: unknown): Reply {
    if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
    if (err instanceof BadRequest) return { status: 400, body: { error: err.message } };
    if (err instanceof WharfError && err.errorClass === 'config') {
      return {
        status: 400,
        body: {
          error: redactSecrets(err.message),
          hint: err.hint ? redactSecrets(err.hint) : undefined,
          code: err.code,
        },
      };
    }
    this.log.error('http handler failed', { error: messageOf(err) });
    return { status: 500, body: { error: `Internal error: ${redactSecrets(messageOf(err))}` } };
  }

  private now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }
}

/**
 * Reads the body, refusing one larger than MAX_BODY_BYTES (announced or sent) with 413 and,
 * for the API's JSON bodies, one nested deeper than MAX_JSON_DEPTH with 400 as soon as it is.
 */
function readBody(req: IncomingMessage, json: boolean): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes; API requests are a few hundred bytes.`);
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  const gauge = json ? new JsonDepthGauge() : null;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: Error) => {
      req.off('data', onData);
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return stop(tooLarge());
      gauge?.feed(chunk);
      if (gauge && gauge.deepest > MAX_JSON_DEPTH) return stop(tooDeep());
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body, null, 2) + '\n';
  const type = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(reply.status, { 'content-type': type, 'x-request-id': requestId, ...reply.headers });
  res.end(text);
}
