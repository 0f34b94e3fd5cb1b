/**
 * Child process for lock tests: opens a project's store the way `ingest apply` does, prints
 * `ready`, holds it until a line arrives on stdin (the test sends one once the call that must
 * meet the lock has returned), then closes it and exits.
 */
import { createInterface } from 'node:readline';
import { openProjectStore } from '../../framework/apply/operations.js';
import { loadOrThrow } from './example-project.js';

const [root] = process.argv.slice(2);
const store = await openProjectStore(await loadOrThrow(root), 'hold-test', 0);
console.log('ready');
// A line, or stdin closing because the test process went away, ends the hold.
const lines = createInterface({ input: process.stdin });
await new Promise((r) => lines.once('line', r).once('close', r));
lines.close();
await store.close();
