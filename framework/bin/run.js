#!/usr/bin/env node
// Wharf's CLI runs its TypeScript sources directly (no build step), like users' config modules.
import { register } from 'tsx/esm/api';

register();
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
