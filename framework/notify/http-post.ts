/** POSTs JSON and fails with a redacted message on a non-2xx answer or a network error. */
import { WharfError, messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';

/** Time after which a notification POST is abandoned. */
export const NOTIFY_TIMEOUT_MS = 15_000;

export async function postJson(url: string, body: unknown, what: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
    });
  } catch (err) {
    throw new WharfError(`${what} could not be reached: ${redactSecrets(messageOf(err))}`, {
      code: 'notify.unreachable',
      errorClass: 'connection',
      transient: true,
    });
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    throw new WharfError(`${what} answered ${res.status}: ${redactSecrets(text.slice(0, 200))}`, {
      code: 'notify.refused',
      errorClass: 'connection',
      transient: res.status >= 500,
    });
  }
}
