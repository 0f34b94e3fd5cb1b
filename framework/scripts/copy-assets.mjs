#!/usr/bin/env node
// Copies the plain-JavaScript files that tsc does not emit into dist/, at the same paths:
// the worker threads' entry points (see config/isolation/isolated-import.ts and
// connectors/snowflake/export-thread.ts).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSETS = ['config/isolation/worker-entry.mjs', 'connectors/snowflake/export-worker-entry.mjs'];
const root = fileURLToPath(new URL('..', import.meta.url));
for (const asset of ASSETS) {
  const from = `${root}${asset}`;
  const to = `${root}dist/${asset}`;
  if (existsSync(to) && readFileSync(to, 'utf8') === readFileSync(from, 'utf8')) continue;
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
