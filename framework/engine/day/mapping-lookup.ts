/** Finding a mapping by name, for the engine and the commands that name one. */
import type { LoadedMapping } from '../../config/project.js';
import { WharfError } from '../../diagnostics/errors.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import type { EngineContext } from '../types.js';

/** The loaded mapping by name, or a config error listing the known ones. */
export function mappingOrThrow(ctx: Pick<EngineContext, 'project'>, name: string): LoadedMapping {
  const mapping = ctx.project.mappings.get(name);
  if (!mapping) {
    throw new WharfError(`Unknown mapping '${name}'.${didYouMean(name, ctx.project.mappings.keys())}`, {
      code: 'mapping.unknown',
      errorClass: 'config',
      hint: `Known mappings: ${[...ctx.project.mappings.keys()].join(', ') || 'none'}.`,
    });
  }
  return mapping;
}
