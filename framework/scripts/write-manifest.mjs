#!/usr/bin/env node
// Writes oclif.manifest.json from the built commands, so `ingest --help` lists commands and
// their flags without importing any command module (oclif reads the manifest instead).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = await Config.load({ root, ignoreManifest: true });
const plugin = config.getPluginsList().find((p) => p.isRoot);
if (!plugin || Object.keys(plugin.manifest.commands).length === 0) {
  console.error('write-manifest: no commands found in the build; run the TypeScript build first.');
  process.exit(1);
}
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
