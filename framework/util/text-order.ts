/**
 * The one order of names, keys, paths and dates, whatever the host's locale. A bare
 * `localeCompare` collates by the locale the host's LANG or LC_ALL names: Danish puts "aa"
 * after "z", Czech "ch" after "h", Estonian "z" between "s" and "t". The mapping config hash
 * stored with every loaded day, the order of an S3 day's files (which row of a repeated
 * timeuuid is kept), plans, the applied state and status reports must come out the same on
 * every machine. They are in en-US order, which English and C-locale hosts always gave.
 */
const EN_US = new Intl.Collator('en-US');

/** Compares two texts in en-US collation order, whatever the host's locale. */
export function compareText(a: string, b: string): number {
  return EN_US.compare(a, b);
}
