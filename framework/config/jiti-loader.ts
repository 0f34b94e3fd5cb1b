/**
 * jiti's createJiti, loaded with require(). jiti's ES module entry imports its 190 kB
 * CommonJS bundle, which Node first scans for export names (cjs-module-lexer): about 70 ms
 * of CPU on every command that loads the project's config. Its CommonJS entry is the same
 * function.
 */
import { createRequire } from 'node:module';
import type { createJiti as CreateJiti } from 'jiti';

export const createJiti = (createRequire(import.meta.url)('jiti') as { createJiti: typeof CreateJiti }).createJiti;
