/**
 * Brings framework/dist and plugins/*\/dist up to date (`npm run build`: an incremental
 * `tsc -b`, a no-op when nothing changed, then the CLI's command manifest).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function buildPackages(): void {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`The package build failed (tsc -b tsconfig.build.json):\n${tsc.stdout}${tsc.stderr}`);
  const manifest = spawnSync(process.execPath, ['framework/scripts/write-manifest.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (manifest.status !== 0) throw new Error(`Writing the CLI manifest failed:\n${manifest.stdout}${manifest.stderr}`);
}
