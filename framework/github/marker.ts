/**
 * The hidden HTML comment that identifies Wharf's sticky comment in a pull request thread.
 * GitHub does not render HTML comments, so the marker is invisible to reviewers, yet Wharf can
 * find its earlier comment by it and update that instead of adding a new one per push.
 * Several Wharf projects in one repository each get their own marker (and comment).
 */
import { relative, resolve, sep } from 'node:path';
import { WharfError } from '../diagnostics/errors.js';

/** The marker key of a project at the repository root. */
export const DEFAULT_MARKER_KEY = 'wharf-plan';

const KEY_PATTERN = /^[A-Za-z0-9_.:/@-]+$/;

/** The HTML comment for a key: `<!-- wharf-plan -->`. */
export function markerComment(key: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw new WharfError(`Comment marker "${key}" may only hold letters, digits and _ . : / @ -.`, {
      code: 'github.marker-invalid',
      errorClass: 'config',
      hint: 'Pass a marker such as --marker wharf-plan:analytics.',
    });
  }
  return `<!-- ${key} -->`;
}

/**
 * The key for a project folder: `wharf-plan` at the repository root, `wharf-plan:<folder>` for a
 * project in a sub-folder, so two projects in one repository never overwrite each other's comment.
 */
export function markerKeyFor(projectDir: string, repositoryRoot: string): string {
  const rel = relative(resolve(repositoryRoot), resolve(projectDir));
  if (rel === '' || rel.startsWith('..')) return DEFAULT_MARKER_KEY;
  return `${DEFAULT_MARKER_KEY}:${rel.split(sep).join('/')}`;
}

/** Whether a comment body carries this marker (anywhere, so edits above it do not orphan it). */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && body.includes(marker);
}
