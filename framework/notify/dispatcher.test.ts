import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../../test/support/notify-servers.js';
import { createLogger } from '../util/log.js';
import { NotificationDispatcher } from './dispatcher.js';
import { notificationFor } from './policy.js';
import type { NotificationEvent } from './types.js';

const SMTP_PASSWORD = 'smtp-pass-7f3a9c';
let slack: HttpReceiver;
let hook: HttpReceiver;
let smtp: SmtpReceiver;

beforeEach(async () => {
  [slack, hook, smtp] = await Promise.all([
    startHttpReceiver('/services/T0/B0/xyz'),
    startHttpReceiver('/wharf-events'),
    startSmtpReceiver(SMTP_PASSWORD),
  ]);
});
afterEach(async () => {
  await Promise.all([slack.close(), hook.close(), smtp.close()]);
});

function env() {
  return { SLACK_URL: slack.url, HOOK_URL: hook.url, SMTP_URL: `smtp://wharf:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}` };
}

const policy = {
  targets: [
    { kind: 'slack' as const, webhookUrl: { env: 'SLACK_URL' } },
    {
      kind: 'email' as const,
      smtpUrl: { env: 'SMTP_URL' },
      from: 'wharf@example.com',
      to: ['data@example.com', 'oncall@example.com'],
    },
    { kind: 'webhook' as const, url: { env: 'HOOK_URL' } },
  ],
};

const failure: NotificationEvent = {
  kind: 'failure',
  project: 'demo',
  ingestion: 'app_events',
  day: '2024-03-03',
  status: 'failed',
  detail: `connection refused by db (password ${SMTP_PASSWORD})`,
  hint: `Check that db accepts connections (password ${SMTP_PASSWORD} is set).`,
  owner: 'data@example.com',
  commitSha: 'abc123',
  at: '2024-03-04T10:00:00.000Z',
};

describe('NotificationDispatcher', () => {
  it('delivers one Slack message, one e-mail and one webhook call per event, with secrets redacted', async () => {
    const lines: string[] = [];
    const d = NotificationDispatcher.fromPolicy(policy, createLogger({ write: (l) => lines.push(l) }), env());
    const report = await d.send(failure);
    d.close();
    expect(report.sent.sort()).toEqual(['email', 'slack', 'webhook']);
    expect(slack.bodies).toHaveLength(1);
    expect((slack.bodies[0] as { text: string }).text).toMatch(
      /^\*\[demo\] ❌ Ingestion failed: app_events 2024-03-03\*\n/,
    );
    // What to do follows the error, in every channel.
    expect((slack.bodies[0] as { text: string }).text).toContain(
      'connection refused by db (password ***)\n\nCheck that db accepts connections (password *** is set).',
    );
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({
      formatVersion: 1,
      kind: 'failure',
      ingestion: 'app_events',
      day: '2024-03-03',
      subject: '[demo] ❌ Ingestion failed: app_events 2024-03-03',
      hint: 'Check that db accepts connections (password *** is set).',
    });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({
      from: 'wharf@example.com',
      to: ['data@example.com', 'oncall@example.com'],
      user: 'wharf',
    });
    expect(smtp.mails[0].raw).toMatch(/^Subject: =\?UTF-8\?Q\?=5Bdemo=5D_=E2=9D=8C_Ingestion_failed/m);
    expect(smtp.mails[0].raw).toContain('app_events');
    expect(smtp.mails[0].raw).toContain('connection refused by db (password ***)');
    const everything = JSON.stringify(slack.bodies) + JSON.stringify(hook.bodies) + smtp.mails[0].raw + lines.join('');
    expect(everything).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(hook.bodies)).toContain('password ***');
  });

  it('keeps delivering to the other targets when one refuses, and logs the failure without the URL', async () => {
    slack.status = 500;
    const lines: string[] = [];
    const d = NotificationDispatcher.fromPolicy(policy, createLogger({ write: (l) => lines.push(l) }), env());
    const report = await d.send({
      ...failure,
      kind: 'recovery',
      status: 'succeeded',
      detail: undefined,
      hint: undefined,
    });
    d.close();
    expect(report.failed.map((f) => f.kind)).toEqual(['slack']);
    expect(report.sent.sort()).toEqual(['email', 'webhook']);
    expect(lines.join('')).toContain('The Slack webhook answered 500');
    expect(lines.join('')).not.toContain(slack.url);
  });

  it('logs no "notification sent" when no target is configured or none took it', async () => {
    const lines: string[] = [];
    const none = NotificationDispatcher.fromPolicy({}, createLogger({ write: (l) => lines.push(l) }), {});
    expect(await none.send(failure)).toEqual({ sent: [], failed: [] });
    slack.status = 500;
    const refused = NotificationDispatcher.fromPolicy(
      { targets: [policy.targets[0]] },
      createLogger({ write: (l) => lines.push(l) }),
      env(),
    );
    expect((await refused.send(failure)).sent).toEqual([]);
    expect(lines.join('')).not.toContain('notification sent');
    expect(lines.join('')).toContain('notification not delivered');
  });

  it('skips a target whose secret is not set, naming the variable', async () => {
    const lines: string[] = [];
    const d = NotificationDispatcher.fromPolicy(policy, createLogger({ write: (l) => lines.push(l) }), {
      HOOK_URL: hook.url,
    });
    expect(d.notifiers.map((n) => n.kind)).toEqual(['webhook']);
    expect(lines.join('')).toContain('SLACK_URL');
  });
});

describe('notificationFor', () => {
  it('notifies a failure once, a recovery after a failure, and no-data only when asked', () => {
    expect(notificationFor(undefined, 'failed', {})).toBe('failure');
    expect(notificationFor('succeeded', 'failed', {})).toBe('failure');
    expect(notificationFor('failed', 'failed', {})).toBeNull();
    expect(notificationFor('failed', 'succeeded', {})).toBe('recovery');
    expect(notificationFor('failed', 'no_data', {})).toBe('recovery');
    expect(notificationFor(undefined, 'succeeded', {})).toBeNull();
    expect(notificationFor(undefined, 'no_data', {})).toBeNull();
    expect(notificationFor(undefined, 'no_data', { onNoData: true })).toBe('no_data');
    expect(notificationFor('no_data', 'no_data', { onNoData: true })).toBeNull();
    expect(notificationFor(undefined, 'failed', { onFailure: false })).toBeNull();
    expect(notificationFor('failed', 'succeeded', { onRecovery: false })).toBeNull();
  });
});

describe('plugin notifiers', () => {
  it('delivers day events through a notifier a plugin registered (the template plugin), not config events', async () => {
    const { templateChatNotifier } = await import('../../plugins/template/notifier.js');
    const { registerPluginNotifier } = await import('./registry.js');
    registerPluginNotifier(templateChatNotifier as never);
    const d = NotificationDispatcher.fromPolicy(
      { targets: [{ kind: 'template_chat', url: { env: 'CHAT_URL' }, prefix: 'team-data' }] },
      undefined,
      { CHAT_URL: hook.url },
    );
    expect(d.notifiers.map((n) => n.kind)).toEqual(['template_chat']);
    expect((await d.send(failure)).sent).toEqual(['template_chat']);
    await d.send({ kind: 'config_rejected', project: 'demo', commitSha: 'abc', at: failure.at });
    d.close();
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ event: 'failure', mapping: 'app_events', day: '2024-03-03' });
    expect((hook.bodies[0] as { text: string }).text).toMatch(
      /^team-data\n\[demo\] ❌ Ingestion failed: app_events 2024-03-03\n/,
    );
    expect(JSON.stringify(hook.bodies)).not.toContain(SMTP_PASSWORD);
  });

  it('reports a target of an unknown kind', () => {
    const lines: string[] = [];
    const d = NotificationDispatcher.fromPolicy(
      { targets: [{ kind: 'pager_thing' }] },
      createLogger({ write: (l) => lines.push(l) }),
      {},
    );
    expect(d.notifiers).toEqual([]);
    expect(lines.join('')).toContain("No notifier of kind 'pager_thing'");
  });
});
