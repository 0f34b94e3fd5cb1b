/**
 * Config modules import `@wharf/framework`. A checkout in the agent's work folder has no
 * node_modules of its own, so the agent links the node_modules it runs from next to its
 * checkouts: the configuration is loaded with the very framework (and plugin packages) the
 * agent runs.
 */
import { existsSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The node_modules folder that resolves `@wharf/framework` for this running agent. */
export function agentNodeModules(from = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', '@wharf', 'framework'))) return join(dir, 'node_modules');
    if (dirname(dir) === dir) return null;
  }
}

/** Makes `@wharf/framework` resolvable from checkouts under `workdir` (idempotent). */
export function linkFrameworkModules(workdir: string): void {
  const link = join(workdir, 'node_modules');
  if (existsSync(link)) return;
  const target = agentNodeModules();
  if (target) symlinkSync(target, link, 'dir');
}
