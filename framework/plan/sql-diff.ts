/** A changed SQL file as a unified diff, the way reviewers read SQL in pull requests. */
import { createTwoFilesPatch } from 'diff';

/** Unified diff from `before` to `after`; files are named `a/<path>` and `b/<path>` like Git. */
export function sqlDiff(beforeFile: string | null, before: string, afterFile: string | null, after: string): string {
  const patch = createTwoFilesPatch(
    beforeFile ? `a/${beforeFile}` : '/dev/null',
    afterFile ? `b/${afterFile}` : '/dev/null',
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the "Index:"/"===" preamble: the ---/+++ headers name the files.
  return patch
    .split('\n')
    .filter((line, i) => !(i < 2 && (line.startsWith('Index:') || line.startsWith('===='))))
    .join('\n')
    .trimEnd();
}
