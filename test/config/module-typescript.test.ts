/**
 * Users' config modules are TypeScript, loaded with no build step: type-only syntax
 * (`satisfies`, `as const`, type imports, interfaces, enums) and imports of sibling .ts files
 * written with a .js or a .ts extension. A second load reads changed files anew.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, importIsolated } from '../../framework/config/isolation/isolated-import.js';

const LIMITS = { ...DEFAULT_LIMITS, timeoutMs: 10_000, memoryMb: 128 };

function write(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

const MODULE = [
  "import type { Day } from './lib/days.js';",
  "import { DAYS, Tier } from './lib/days.js';",
  "import { shout } from './lib/shout.ts';",
  'interface Settings { days: readonly Day[]; label: string; tier: Tier }',
  "export default { days: DAYS, label: shout('daily'), tier: Tier.Gold } satisfies Settings;",
].join('\n');

async function load(dir: string): Promise<unknown> {
  const absolute = join(dir, 'settings.ts');
  const outcome = (await importIsolated([{ absolute, file: 'settings.ts' }], LIMITS)).get(absolute);
  if (!outcome || !('value' in outcome)) throw new Error(`settings.ts did not load: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

describe('config modules load as TypeScript', () => {
  it('strips type-only syntax, resolves sibling imports by .js and .ts, and re-reads a changed sibling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-ts-'));
    write(dir, {
      'settings.ts': MODULE,
      'lib/days.ts':
        "export const DAYS = [1, 2, 3] as const;\nexport type Day = (typeof DAYS)[number];\nexport enum Tier { Gold = 'gold' }\n",
      'lib/shout.ts': 'export function shout(text: string): string {\n  return `${text.toUpperCase()}!`;\n}\n',
    });
    expect(await load(dir)).toEqual({ days: [1, 2, 3], label: 'DAILY!', tier: 'gold' });

    write(dir, { 'lib/shout.ts': 'export const shout = (text: string): string => `${text}?`;\n' });
    expect(await load(dir)).toEqual({ days: [1, 2, 3], label: 'daily?', tier: 'gold' });
  });
});
