/** `1 day`, `2 days`: a count with its noun, plural by a trailing `s`. */
export function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
