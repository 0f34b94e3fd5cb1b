import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '@wharf/framework/conformance';
import plugin from './index.js';

let received: { path: string; body: Record<string, unknown> }[] = [];
let status = 200;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
    res.writeHead(status).end();
  });
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T0K3N-secret-path`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('template_chat notifier plugin', () => {
  const notification = {
    event: 'failure' as const,
    project: 'demo',
    mapping: 'daily_revenue',
    day: '2024-05-01',
    summary: 'daily_revenue 2024-05-01 failed',
    detail: 'query error',
  };

  it('posts the notification to the webhook', async () => {
    received = [];
    const definition = plugin.notifiers!.find((n) => n.kind === 'template_chat')!;
    const notifier = await definition.create(
      { kind: 'template_chat', url: { env: 'CHAT_URL' }, prefix: '[wharf]' } as never,
      testContext({ CHAT_URL: url }),
    );
    await notifier.send(notification);
    expect(received).toEqual([
      {
        path: '/hooks/T0K3N-secret-path',
        body: {
          text: '[wharf]\ndaily_revenue 2024-05-01 failed\nquery error',
          event: 'failure',
          mapping: 'daily_revenue',
          day: '2024-05-01',
        },
      },
    ]);
  });

  it('reports a rejected delivery as a transient error for 5xx, without the URL', async () => {
    status = 503;
    const notifier = await plugin.notifiers![0].create(
      { kind: 'template_chat', url: { env: 'CHAT_URL' } } as never,
      testContext({ CHAT_URL: url }),
    );
    const err = await notifier.send(notification).catch((e: unknown) => e);
    status = 200;
    expect(err).toMatchObject({ code: 'notify.rejected', transient: true });
    expect((err as Error).message).not.toContain('T0K3N');
  });
});
