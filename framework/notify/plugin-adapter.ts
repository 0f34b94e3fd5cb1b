/**
 * Delivers the agent's events through a plugin notifier (notify/notifier.ts contract): the
 * plugin's target is opened on first use with secrets resolved through util/secrets.ts,
 * and each day event becomes one `Notification`. Plugins receive the day events only
 * (failure, no data, recovery), which is what their contract names.
 */
import { resolveSecret } from '../util/secrets.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { bodyOf, subjectOf } from './message.js';
import type { Notifier as PluginNotifier, NotifierDefinition } from './notifier.js';
import type { NotificationEvent, Notifier } from './types.js';

export class PluginNotifierAdapter implements Notifier {
  private opened: Promise<PluginNotifier> | null = null;

  constructor(
    private readonly definition: NotifierDefinition<never>,
    private readonly config: Record<string, unknown>,
    private readonly projectRoot: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get kind(): string {
    return this.definition.kind;
  }

  async send(event: NotificationEvent): Promise<void> {
    // Plugin notifiers receive the day events only (their payload names a mapping and a day).
    if (event.kind === 'config_rejected' || event.kind === 'experiment_failure' || !event.ingestion || !event.day)
      return;
    this.opened ??= this.definition.create(this.config as never, {
      projectRoot: this.projectRoot,
      resolveSecret: (ref, field) => resolveSecret(ref, field, this.env),
    });
    const target = await this.opened;
    await target.send({
      event: event.kind,
      project: event.project,
      mapping: event.ingestion,
      day: event.day,
      summary: subjectOf(event),
      detail: redactSecrets(bodyOf(event).split('\n').slice(1).join('\n').trim()) || undefined,
      owner: event.owner,
    });
  }

  async close(): Promise<void> {
    const target = await this.opened?.catch(() => null);
    await target?.close?.();
  }
}
