/**
 * Polls `probe` until it returns a truthy value (which it returns), failing after `limitMs`
 * with what was awaited and, when given, `detail()` (e.g. the tail of a process's log).
 * Tests of running processes (the agent) wait on conditions this way, never on fixed sleeps.
 */
export interface UntilOptions {
  limitMs: number;
  /** How often to probe (default 200 ms). */
  everyMs?: number;
  /** Added to the failure message. */
  detail?: () => string;
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  options: UntilOptions,
): Promise<T> {
  const deadline = Date.now() + options.limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${what}${options.detail ? `; ${options.detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
  }
}
