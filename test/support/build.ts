/**
 * Brings framework/dist and plugins/*\/dist up to date (`npm run build`: an incremental
 * `tsc -b`, a no-op when nothing changed, then the precompiled schema validators and the
 * CLI's command manifest).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function buildPackages(): void {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (tsc.status !== 0)
    throw new Error(`The package build failed (tsc -b tsconfig.build.json):\n${tsc.stdout}${tsc.stderr}`);
  for (const script of [
    'framework/scripts/write-validators.mjs',
    'framework/scripts/copy-assets.mjs',
    'framework/scripts/write-manifest.mjs',
  ]) {
    const r = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`The package build failed (${script}):\n${r.stdout}${r.stderr}`);
  }
}
