/**
 * Imports a plugin package's entry in this process, TypeScript or JavaScript, with no build
 * step (through jiti). jiti's module cache is off, so a long-running agent reads a TypeScript
 * entry and the files it imports anew rather than from a cache; a package's JavaScript ESM
 * build in node_modules is imported natively (changed only by an install, which restarts the
 * agent), which also keeps one instance of @wharf/framework. (Config modules are imported in a
 * worker thread instead: see isolation/isolated-import.ts.)
 */
import { createJiti } from './jiti-loader.js';

const jiti = createJiti(import.meta.url, {
  fsCache: false,
  moduleCache: false,
  sourceMaps: true,
  interopDefault: false,
});

export async function importConfigModule(absolutePath: string): Promise<unknown> {
  const mod = (await jiti.import(absolutePath)) as Record<string, unknown>;
  return mod.default;
}
