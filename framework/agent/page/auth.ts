/**
 * Who may read the page: anyone presenting an API key or a read token (`WHARF_UI_TOKENS`,
 * comma-separated, or `WHARF_UI_TOKEN`): as `Authorization: Bearer`, or once as `?token=` in
 * the URL, which sets an HttpOnly, SameSite=Strict cookie holding only the token's SHA-256
 * digest (so the token itself is never stored by the browser) and redirects to the clean URL.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { registerSecret } from '../../diagnostics/redact.js';

export const UI_TOKENS_ENV = 'WHARF_UI_TOKENS';
export const UI_TOKEN_ENV = 'WHARF_UI_TOKEN';
/** `WHARF_UI=off` turns the page off (404). */
export const UI_SWITCH_ENV = 'WHARF_UI';
export const COOKIE = 'wharf_ui';

export function uiTokensFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const tokens = [...(env[UI_TOKENS_ENV] ?? '').split(','), env[UI_TOKEN_ENV] ?? '']
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of tokens) registerSecret(t);
  return tokens;
}

export const digestHex = (text: string) => createHash('sha256').update(text).digest('hex');

function anyMatches(givenDigest: string, secrets: string[]): boolean {
  const given = Buffer.from(givenDigest.padEnd(64, '0').slice(0, 64), 'hex');
  let ok = false;
  for (const s of secrets) ok = timingSafeEqual(given, Buffer.from(digestHex(s), 'hex')) || ok;
  return ok && /^[0-9a-f]{64}$/.test(givenDigest);
}

function cookie(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return null;
}

export type PageAuth = { ok: true } | { ok: false } | { ok: true; setCookie: string; redirect: string };

/** Checks the request against the accepted secrets (API keys and read tokens). */
export function authorizePage(req: IncomingMessage, url: URL, secrets: string[]): PageAuth {
  if (secrets.length === 0) return { ok: false };
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (bearer && anyMatches(digestHex(bearer), secrets)) return { ok: true };
  const token = url.searchParams.get('token');
  if (token !== null) {
    if (!anyMatches(digestHex(token), secrets)) return { ok: false };
    url.searchParams.delete('token');
    const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
    return {
      ok: true,
      setCookie: `${COOKIE}=${digestHex(token)}; HttpOnly; SameSite=Strict; Path=/ui${secure}`,
      redirect: `${url.pathname}${url.search}`,
    };
  }
  const fromCookie = cookie(req);
  return fromCookie && anyMatches(fromCookie, secrets) ? { ok: true } : { ok: false };
}
