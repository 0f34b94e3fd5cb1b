/**
 * Secret values resolved at run time are registered here, and every message that leaves
 * Wharf (logs, ledger errors, status reports, notifications) passes through redactSecrets,
 * so a driver that echoes a password back in its error text cannot leak it.
 */
const knownSecrets = new Set<string>();

export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; they are not meaningful secrets anyway.
  if (value.length >= 4) knownSecrets.add(value);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}
