/**
 * Imports a user's config module, TypeScript or JavaScript, with no build step. Each import
 * gets a fresh module namespace (tsx's isolated loader), so a long-running agent that checks
 * out a new commit reads the new files rather than Node's module cache.
 */
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export async function importConfigModule(absolutePath: string): Promise<unknown> {
  const mod = (await tsImport(pathToFileURL(absolutePath).href, import.meta.url)) as Record<string, unknown>;
  return mod.default;
}
