import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan, serializePlan } from '../framework/plan/plan-file.js';
import { parseSnapshot, serializeSnapshot } from '../framework/state/snapshot.js';
import { GOLDEN_FILES, goldenCases, PLAN_FIXTURES, renderCase } from './support/plan-golden.js';

// Expected files are regenerated with `npm run golden:plan`; review the diff before committing.
describe.each(goldenCases())('golden plan case %s', (name) => {
  const expected = (file: string) => readFileSync(join(PLAN_FIXTURES, name, file), 'utf8');

  it('renders the expected state snapshot, JSON plan, text and Markdown', async () => {
    const outputs = await renderCase(name);
    for (const file of GOLDEN_FILES) expect(outputs[file], `${name}/${file}`).toBe(expected(file));
  });

  it('round-trips the persisted formats byte for byte', () => {
    expect(serializeSnapshot(parseSnapshot(expected('state.json'), 'state.json'))).toBe(expected('state.json'));
    expect(serializePlan(parsePlan(expected('plan.json'), 'plan.json'))).toBe(expected('plan.json'));
  });
});
