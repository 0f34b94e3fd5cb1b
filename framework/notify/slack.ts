/** Slack incoming webhook: one message with the subject in bold and the details below. */
import { bodyOf, subjectOf } from './message.js';
import { postJson } from './http-post.js';
import type { NotificationEvent, Notifier } from './types.js';

export class SlackNotifier implements Notifier {
  readonly kind = 'slack';
  constructor(private readonly webhookUrl: string) {}

  async send(event: NotificationEvent): Promise<void> {
    const details = bodyOf(event).split('\n').slice(1).join('\n').trim();
    await postJson(
      this.webhookUrl,
      { text: `*${subjectOf(event)}*${details ? `\n${details}` : ''}` },
      'The Slack webhook',
    );
  }
}
