import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';

const COMMANDS_DIR = fileURLToPath(new URL('./commands', import.meta.url));

/** Command ids as oclif derives them from files: folders are topics, joined with ':'. */
function idsFromFiles(): string[] {
  return (readdirSync(COMMANDS_DIR, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.ts$/, '').split(/[\\/]/).join(':'))
    .sort();
}

describe('the command list', () => {
  it('names exactly the command files oclif discovers', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(idsFromFiles());
  });
});
