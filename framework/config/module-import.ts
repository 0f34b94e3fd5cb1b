/**
 * Imports a plugin package's entry in this process, TypeScript or JavaScript, with no build
 * step. Each import gets a fresh module namespace (tsx's isolated loader), so a long-running
 * agent reads the files anew rather than Node's module cache. (Config modules are imported
 * in a worker thread instead: see isolation/isolated-import.ts.)
 */
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export async function importConfigModule(absolutePath: string): Promise<unknown> {
  const mod = (await tsImport(pathToFileURL(absolutePath).href, import.meta.url)) as Record<string, unknown>;
  return mod.default;
}
