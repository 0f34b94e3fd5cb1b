#!/usr/bin/env node
// Writes oclif.manifest.json from the built commands, so `ingest --help` lists commands and
// their flags without importing any command module (oclif reads the manifest instead).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
// The plugin itself, not Config.load: Config does not pass ignoreManifest to the root plugin,
// so it would read the manifest being replaced and never see a new command.
const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true });
await plugin.load();
if (Object.keys(plugin.manifest.commands).length === 0) {
  console.error('write-manifest: no commands found in the build; run the TypeScript build first.');
  process.exit(1);
}
// Unchanged: left alone. Changed: replaced in one rename, so a CLI starting meanwhile (tests
// run in parallel with a pack that rebuilds) never reads a half-written file.
const target = new URL('../oclif.manifest.json', import.meta.url);
const text = `${JSON.stringify(plugin.manifest, null, 2)}\n`;
if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
  const temp = new URL(`../oclif.manifest.json.${process.pid}.tmp`, import.meta.url);
  writeFileSync(temp, text);
  renameSync(temp, target);
}
