/**
 * The notifier contract: how a message about an ingestion reaches people. Built-in targets
 * (slack, email, webhook) and plugin notifiers implement the same interface; plugins register
 * theirs through `definePlugin({ notifiers: [...] })`, and a project lists a target of that
 * kind under `notifications.targets` in wharf.config.ts.
 */
import type { IsoDate } from '../config/types.js';
import type { ConnectorContext } from '../connectors/types.js';

/** What happened, as the notification policy names it (onFailure, onNoData, onRecovery). */
export type NotificationEvent = 'failure' | 'no_data' | 'recovery';

/** One message. Texts are already redacted of secrets when a notifier receives them. */
export interface Notification {
  event: NotificationEvent;
  project: string;
  mapping: string;
  day: IsoDate;
  /** One line, e.g. "daily_revenue 2024-05-01 failed: query error". */
  summary: string;
  /** More lines: the error, the hint, where to look. */
  detail?: string;
  /** Mapping owner from its config, when set. */
  owner?: string;
}

/** An open notification target. */
export interface Notifier {
  readonly kind: string;
  send(notification: Notification): Promise<void>;
  close?(): Promise<void>;
}

/** A notifier kind: what a plugin contributes. */
export interface NotifierDefinition<C = Record<string, unknown>> {
  kind: string;
  /** JSON Schema of the target's config (its entry in `notifications.targets`); validated at load time. */
  configSchema?: Record<string, unknown>;
  /** Opens the target; secrets are resolved through the context, as connectors do. */
  create(config: C, context: ConnectorContext): Promise<Notifier>;
}

/** Identity helper that type-checks a notifier definition. */
export function defineNotifier<C>(definition: NotifierDefinition<C>): NotifierDefinition<C> {
  return definition;
}
