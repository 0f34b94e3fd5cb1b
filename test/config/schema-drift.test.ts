import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchema, renderSchema, SCHEMA_FILE } from '../../framework/config/schema/generate.js';

describe('generated JSON Schema', () => {
  it('matches the config types (run `npm run schema` after changing framework/config/types.ts)', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(renderSchema(generateSchema())).toBe(committed);
  }, 60_000);
});
