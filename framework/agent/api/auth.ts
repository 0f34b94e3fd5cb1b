/**
 * API keys: read from the environment (`WHARF_API_KEYS`, comma-separated, or `WHARF_API_KEY`),
 * registered as secrets so no log line carries them, and compared in constant time.
 * `Authorization: Bearer <key>`, the seed's `statsig-api-key: <key>` and `x-api-key: <key>`
 * are accepted (docs/agent.md).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { registerSecret } from '../../diagnostics/redact.js';

export const API_KEYS_ENV = 'WHARF_API_KEYS';
export const API_KEY_ENV = 'WHARF_API_KEY';
export const GIT_WEBHOOK_SECRET_ENV = 'WHARF_GIT_WEBHOOK_SECRET';

/** The configured API keys (none when neither variable is set: every request is refused). */
export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const keys = [...(env[API_KEYS_ENV] ?? '').split(','), env[API_KEY_ENV] ?? ''].map((k) => k.trim()).filter(Boolean);
  for (const key of keys) registerSecret(key);
  return keys;
}

/** The key a request presents, from `Authorization: Bearer` or `statsig-api-key`. */
export function presentedKey(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const alias = req.headers['statsig-api-key'] ?? req.headers['x-api-key'];
  return typeof alias === 'string' && alias !== '' ? alias.trim() : null;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time membership test (hashing first makes every comparison the same length). */
export function keyMatches(presented: string | null, keys: string[]): boolean {
  if (presented === null) return false;
  const given = digest(presented);
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(given, digest(key)) || ok;
  return ok;
}

/** Checks a GitHub `X-Hub-Signature-256` header (`sha256=<hex HMAC of the raw body>`). */
export function validWebhookSignature(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
