/**
 * Real Git repositories for tests: a bare "remote" in a temp folder seeded with files, and
 * helpers to commit and push to it from another clone (someone else working on the repo).
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface TempRemote {
  /** Path of the bare repository (usable as a clone URL). */
  remote: string;
  branch: string;
  /** Temp folder holding everything; remove with cleanup(). */
  root: string;
  cleanup(): void;
}

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Someone Else',
  GIT_AUTHOR_EMAIL: 'else@example.com',
  GIT_COMMITTER_NAME: 'Someone Else',
  GIT_COMMITTER_EMAIL: 'else@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A bare repository whose `branch` holds `files` in one commit. */
export function createRemote(files: Record<string, string>, branch = 'main'): TempRemote {
  const root = mkdtempSync(join(tmpdir(), 'wharf-git-'));
  const remote = join(root, 'remote.git');
  mkdirSync(remote);
  git(remote, 'init', '--bare', '-q', '-b', branch);
  const seed = join(root, 'seed');
  git(root, 'clone', '-q', remote, seed);
  git(seed, 'checkout', '-q', '-b', branch);
  writeFiles(seed, files);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'push', '-q', 'origin', branch);
  return { remote, branch, root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Clones the remote into a new folder (another person's working copy). */
export function cloneRemote(r: TempRemote, name: string): string {
  const dir = join(r.root, name);
  git(r.root, 'clone', '-q', '--branch', r.branch, r.remote, dir);
  return dir;
}

/** Commits `files` (path → text; null deletes) in a clone and pushes; returns the new sha. */
export function commitAndPush(
  clone: string,
  branch: string,
  files: Record<string, string | null>,
  message: string,
): string {
  git(clone, 'pull', '-q', '--rebase', 'origin', branch);
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(clone, path), { force: true });
    else writeFiles(clone, { [path]: text });
  }
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', message);
  git(clone, 'push', '-q', 'origin', branch);
  return git(clone, 'rev-parse', 'HEAD');
}

/** Paths a commit of the remote changed. */
export function changedPaths(r: TempRemote, sha: string): string[] {
  return git(r.remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', sha).split('\n').filter(Boolean);
}

/** The example configuration of this repository as files for a remote (config, sources, mappings, schedules). */
export function exampleConfigFiles(): Record<string, string> {
  const root = resolve(import.meta.dirname, '../..');
  const files: Record<string, string> = {
    '.gitignore': 'node_modules/\n.wharf/\n',
    'package.json': '{ "name": "wharf-config", "private": true, "type": "module" }\n',
  };
  for (const entry of ['wharf.config.ts', 'sources', 'mappings', 'schedules']) {
    const path = join(root, entry);
    if (!existsSync(path)) continue;
    if (statSync(path).isFile()) files[entry] = readFileSync(path, 'utf8');
    else for (const name of readdirSync(path)) files[`${entry}/${name}`] = readFileSync(join(path, name), 'utf8');
  }
  return files;
}
