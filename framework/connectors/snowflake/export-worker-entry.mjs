// The Snowflake export thread's entry point. It is plain JavaScript because a worker thread starts
// without the parent's loader hooks: it runs the thread's build (dist/) when there is one beside
// this file, else its TypeScript source through jiti.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('./export-worker.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { createJiti } = await import('jiti');
  await createJiti(import.meta.url, { fsCache: false }).import(
    fileURLToPath(new URL('./export-worker.ts', import.meta.url)),
  );
}
