/**
 * Secret values resolved at run time are registered here, and every message that leaves
 * Wharf (logs, ledger errors, status reports, notifications) passes through redactSecrets,
 * so a driver that echoes a password back in its error text cannot leak it.
 */
const knownSecrets = new Set<string>();
/** The secrets, longest first; rebuilt after a registration. */
let longestFirst: string[] | null = null;

export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; they are not meaningful secrets anyway.
  if (value.length >= 4 && !knownSecrets.has(value)) {
    knownSecrets.add(value);
    longestFirst = null;
  }
}

/**
 * Longer secrets are replaced first: a secret that holds another (a password and the token
 * that starts with it) would otherwise lose only the shorter one's part and leak the rest.
 */
export function redactSecrets(text: string): string {
  longestFirst ??= [...knownSecrets].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of longestFirst) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}
