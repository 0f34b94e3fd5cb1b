/**
 * "Did you mean …?" for names the user typed: fields, sources, schedules, mappings, commands.
 * Edit distance (fastest-levenshtein), case-insensitive, with a limit that grows with the
 * name's length so short names do not get far-fetched suggestions.
 */
import { distance } from 'fastest-levenshtein';

/** The known name closest to `typed`, or undefined when none is close enough to be a typo. */
export function closestName(typed: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    if (name === typed) continue;
    const d = distance(typed.toLowerCase(), name.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** " Did you mean 'x'?" when a known name is close to `typed`, else ''. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const name = closestName(typed, known);
  return name === undefined ? '' : ` Did you mean '${name}'?`;
}
