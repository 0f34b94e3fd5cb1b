#!/usr/bin/env node
// Wharf's CLI runs the built JavaScript (dist/); only users' config modules load as TypeScript.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
