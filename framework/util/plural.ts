/** `1 day`, `2 days`: a count with its noun, plural by a trailing `s`. */
export function plural(n: number, what: string): string {
  return `${n} ${noun(n, what)}`;
}

/** `1 row`, `12,345 rows`: as plural, the digits grouped as the row counts beside it are. */
export function counted(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${noun(n, what)}`;
}

const noun = (n: number, what: string) => `${what}${n === 1 ? '' : 's'}`;
