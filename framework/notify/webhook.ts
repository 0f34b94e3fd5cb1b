/** A generic JSON webhook: the event itself, plus the rendered subject and text. */
import { redactSecrets } from '../diagnostics/redact.js';
import { bodyOf, subjectOf } from './message.js';
import { postJson } from './http-post.js';
import type { NotificationEvent, Notifier } from './types.js';

/** Version of the webhook payload's shape. */
export const WEBHOOK_FORMAT_VERSION = 1;

export class WebhookNotifier implements Notifier {
  readonly kind = 'webhook';
  constructor(private readonly url: string) {}

  async send(event: NotificationEvent): Promise<void> {
    const payload = {
      formatVersion: WEBHOOK_FORMAT_VERSION,
      ...event,
      detail: event.detail === undefined ? undefined : redactSecrets(event.detail),
      hint: event.hint === undefined ? undefined : redactSecrets(event.hint),
      subject: subjectOf(event),
      text: bodyOf(event),
    };
    await postJson(this.url, payload, 'The notification webhook');
  }
}
