/**
 * Imports a user's config module, TypeScript or JavaScript, with no build step. Each import
 * gets a fresh module namespace (tsx's isolated loader), so a long-running agent that checks
 * out a new commit reads the new files rather than Node's module cache.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { register, tsImport } from 'tsx/esm/api';

export async function importConfigModule(absolutePath: string): Promise<unknown> {
  const mod = (await tsImport(pathToFileURL(absolutePath).href, import.meta.url)) as Record<string, unknown>;
  return mod.default;
}

/** Imports the modules of one project load. */
export interface ModuleImporter {
  import(absolutePath: string): Promise<unknown>;
  /** Removes the namespace's loader hooks; call once the load is done. */
  close(): Promise<void>;
}

/**
 * One fresh namespace for all modules of one project load: every load still reads the files
 * anew, but modules shared by them (`@wharf/framework` itself) load once per load rather than
 * once per module, and the loader hooks are removed afterwards. Importing each module in a
 * namespace of its own grows the hook chain with every module, which makes loading a project
 * of a thousand mappings take minutes.
 */
export function createModuleImporter(): ModuleImporter {
  const api = register({ namespace: `wharf-${randomUUID()}` });
  return {
    async import(absolutePath: string) {
      const mod = (await api.import(pathToFileURL(absolutePath).href, import.meta.url)) as Record<string, unknown>;
      return mod.default;
    },
    close: () => api.unregister(),
  };
}
