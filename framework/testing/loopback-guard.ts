/**
 * Keeps tests hermetic: any outbound connection that is not to loopback is refused, and the
 * test that attempted it fails, even when the library that tried swallowed the error (cloud
 * SDKs probe metadata servers on load and ignore failures). Installed by vitest.setup.ts.
 */
import net from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);

export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node's default is localhost.
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

const violations: string[] = [];

/** Attempts since the last call, cleared. */
export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}

type ConnectArgs = Parameters<net.Socket['connect']>;

function targetOf(args: unknown[]): { host?: string; path?: string; port?: unknown } {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first && typeof first === 'object') return first as { host?: string; path?: string; port?: unknown };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
}

let installed = false;

export function installLoopbackGuard(): void {
  if (installed) return;
  installed = true;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (target.path === undefined && !isLoopbackHost(target.host)) {
      const message = `Blocked a connection to ${target.host}:${String(target.port)}: tests may only reach loopback (127.0.0.1, ::1, localhost).`;
      violations.push(message);
      process.nextTick(() => this.destroy(new Error(message)));
      return this;
    }
    return original.apply(this, args as unknown as ConnectArgs);
  } as typeof original;
}
