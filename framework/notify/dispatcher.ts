/**
 * Sends an event to every configured target. Target secrets (webhook URLs, SMTP URL) are
 * resolved through util/secrets.ts, which registers them for redaction, so a failing
 * delivery logs `***` instead of the URL. A failing target never stops the others, and
 * never throws into the loads that triggered it.
 */
import type { NotificationPolicy, NotifierConfig, PluginNotifierConfig } from '../config/types.js';
import { resolveSecret } from '../util/secrets.js';
import { messageOf } from '../diagnostics/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { WharfError } from '../diagnostics/errors.js';
import { EmailNotifier } from './email.js';
import { PluginNotifierAdapter } from './plugin-adapter.js';
import { BUILTIN_NOTIFIER_KINDS, pluginNotifier } from './registry.js';
import { SlackNotifier } from './slack.js';
import type { NotificationEvent, Notifier } from './types.js';
import { WebhookNotifier } from './webhook.js';

/**
 * Builds the notifier of one configured target (secrets resolved from `env`): a built-in
 * kind, or a kind a loaded plugin registered (notify/registry.ts).
 */
export function notifierFor(
  target: NotifierConfig | PluginNotifierConfig,
  index: number,
  env: NodeJS.ProcessEnv = process.env,
  projectRoot = process.cwd(),
): Notifier {
  if (!BUILTIN_NOTIFIER_KINDS.includes(target.kind)) {
    const definition = pluginNotifier(target.kind);
    if (!definition) {
      throw new WharfError(`No notifier of kind '${target.kind}' (notifications.targets[${index}]).`, {
        code: 'notify.unknown-kind',
        errorClass: 'config',
        hint: 'Add the plugin that provides it to `plugins` in wharf.config.ts.',
      });
    }
    return new PluginNotifierAdapter(definition, target as Record<string, unknown>, projectRoot, env);
  }
  return builtinNotifier(target as NotifierConfig, `notifications.targets[${index}]`, env);
}

function builtinNotifier(target: NotifierConfig, field: string, env: NodeJS.ProcessEnv): Notifier {
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

  constructor(
    readonly notifiers: Notifier[],
    log?: Logger,
  ) {
    this.log = log ?? silentLogger;
  }

  /** A dispatcher over the project's targets; a target whose secret is missing is logged and skipped. */
  static fromPolicy(
    policy: NotificationPolicy,
    log: Logger = silentLogger,
    env: NodeJS.ProcessEnv = process.env,
    projectRoot?: string,
  ): NotificationDispatcher {
    const notifiers: Notifier[] = [];
    (policy.targets ?? []).forEach((target, i) => {
      try {
        notifiers.push(notifierFor(target, i, env, projectRoot));
      } catch (err) {
        log.error('notification target disabled', { target: i, kind: target.kind, error: messageOf(err) });
      }
    });
    return new NotificationDispatcher(notifiers, log);
  }

  async send(event: NotificationEvent): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: [], failed: [] };
    if (this.notifiers.length === 0) return report; // no targets configured: nothing sent, nothing to log
    await Promise.all(
      this.notifiers.map(async (n) => {
        try {
          await n.send(event);
          report.sent.push(n.kind);
        } catch (err) {
          report.failed.push({ kind: n.kind, error: messageOf(err) });
          this.log.error('notification not delivered', {
            channel: n.kind,
            event: event.kind,
            ingestion: event.ingestion,
            error: messageOf(err),
          });
        }
      }),
    );
    if (report.sent.length)
      this.log.info('notification sent', {
        event: event.kind,
        ingestion: event.ingestion,
        day: event.day,
        sent: report.sent,
      });
    return report;
  }

  close(): void {
    for (const n of this.notifiers) {
      if (n instanceof EmailNotifier) n.close();
      if (n instanceof PluginNotifierAdapter) void n.close().catch(() => undefined);
    }
  }
}
