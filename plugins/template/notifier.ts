/**
 * A template notifier plugin: posts each notification as JSON `{ text, event, mapping, day }`
 * to a chat-style incoming webhook whose URL is a secret env reference. Replace the payload
 * and transport for your chat or paging tool.
 */
import { WharfError, defineNotifier, redactSecrets, registerSecret, type SecretRef } from '@wharf/framework';

/** The target as a project writes it under `notifications.targets`. */
export interface TemplateChatTarget {
  kind: 'template_chat';
  /** Incoming-webhook URL; it embeds a token, so it is always an env reference. */
  url: SecretRef;
  /** Prefix for every message, e.g. the team or project name. */
  prefix?: string;
}

export const templateChatNotifier = defineNotifier<TemplateChatTarget>({
  kind: 'template_chat',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'url'],
    properties: {
      kind: { const: 'template_chat' },
      url: { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string' } } },
      prefix: { type: 'string' },
    },
  },
  async create(config, context) {
    const url = context.resolveSecret(config.url, 'url');
    registerSecret(url);
    return {
      kind: 'template_chat',
      async send(notification) {
        const text = [config.prefix, notification.summary, notification.detail].filter(Boolean).join('\n');
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              text,
              event: notification.event,
              mapping: notification.mapping,
              day: notification.day,
            }),
          });
        } catch (err) {
          throw new WharfError(
            `The template_chat notifier could not reach its webhook: ${redactSecrets((err as Error).message)}`,
            { code: 'notify.unreachable', errorClass: 'connection', transient: true },
          );
        }
        if (!response.ok) {
          throw new WharfError(`The template_chat webhook answered HTTP ${response.status}.`, {
            code: 'notify.rejected',
            errorClass: 'connection',
            transient: response.status >= 500 || response.status === 429,
          });
        }
      },
    };
  },
});
