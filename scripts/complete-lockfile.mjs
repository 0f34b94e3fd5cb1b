#!/usr/bin/env node
// Completes package-lock.json with the platform-specific optional packages the registry mirror
// used here does not serve (for example rollup's and esbuild's builds for other systems).
// `npm install` silently leaves them out of the lock file, and `npm ci` then refuses the lock
// as out of sync. Each missing entry is recorded as an optional package for its os/cpu, which
// `npm ci` skips on every other platform. Run after `npm install` changes the lock file.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
  'cygwin',
];
const CPU = ['arm', 'arm64', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64', 'wasm32'];

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

/** The lock path a dependency of `parent` resolves to, or null when it is missing. */
function resolved(parent, name) {
  for (let dir = parent; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return null;
  }
}

for (const [parent, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (resolved(parent, name)) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.filter((p) => OS.includes(p));
    const cpu = parts.filter((p) => CPU.includes(p));
    if (os.length === 0 || cpu.length === 0) continue; // not a platform build: leave it to npm
    packages[`node_modules/${name}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      os,
      cpu,
    };
    added++;
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform package entries`);
