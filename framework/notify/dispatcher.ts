/**
 * Sends an event to every configured target. Target secrets (webhook URLs, SMTP URL) are
 * resolved through config/secrets.ts, which registers them for redaction, so a failing
 * delivery logs `***` instead of the URL. A failing target never stops the others, and
 * never throws into the loads that triggered it.
 */
import type { NotificationPolicy, NotifierConfig } from '../config/types.js';
import { resolveSecret } from '../config/secrets.js';
import { messageOf } from '../diagnostics/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { EmailNotifier } from './email.js';
import { SlackNotifier } from './slack.js';
import type { NotificationEvent, Notifier } from './types.js';
import { WebhookNotifier } from './webhook.js';

/** Builds the notifier of one configured target (secrets resolved from `env`). */
export function notifierFor(target: NotifierConfig, index: number, env: NodeJS.ProcessEnv = process.env): Notifier {
  const field = `notifications.targets[${index}]`;
  switch (target.kind) {
    case 'slack':
      return new SlackNotifier(resolveSecret(target.webhookUrl, `${field}.webhookUrl`, env));
    case 'email':
      return new EmailNotifier(resolveSecret(target.smtpUrl, `${field}.smtpUrl`, env), target.from, target.to);
    case 'webhook':
      return new WebhookNotifier(resolveSecret(target.url, `${field}.url`, env));
  }
}

export interface DeliveryReport {
  sent: string[];
  failed: { kind: string; error: string }[];
}

export class NotificationDispatcher {
  private readonly log: Logger;

  constructor(readonly notifiers: Notifier[], log?: Logger) {
    this.log = log ?? silentLogger;
  }

  /** A dispatcher over the project's targets; a target whose secret is missing is logged and skipped. */
  static fromPolicy(policy: NotificationPolicy, log: Logger = silentLogger, env: NodeJS.ProcessEnv = process.env): NotificationDispatcher {
    const notifiers: Notifier[] = [];
    (policy.targets ?? []).forEach((target, i) => {
      try {
        notifiers.push(notifierFor(target, i, env));
      } catch (err) {
        log.error('notification target disabled', { target: i, kind: target.kind, error: messageOf(err) });
      }
    });
    return new NotificationDispatcher(notifiers, log);
  }

  async send(event: NotificationEvent): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: [], failed: [] };
    await Promise.all(this.notifiers.map(async (n) => {
      try {
        await n.send(event);
        report.sent.push(n.kind);
      } catch (err) {
        report.failed.push({ kind: n.kind, error: messageOf(err) });
        this.log.error('notification not delivered', { channel: n.kind, event: event.kind, ingestion: event.ingestion, error: messageOf(err) });
      }
    }));
    this.log.info('notification sent', { event: event.kind, ingestion: event.ingestion, day: event.day, sent: report.sent });
    return report;
  }

  close(): void {
    for (const n of this.notifiers) if (n instanceof EmailNotifier) n.close();
  }
}
