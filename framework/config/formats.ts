/**
 * The string formats of the config schema (the `@pattern`s in types.ts), explained in words
 * with an example, so a diagnostic never shows a user a regular expression.
 */
const FORMATS: Record<string, string> = {
  '^\\d{4}-\\d{2}-\\d{2}$': "a date written YYYY-MM-DD, e.g. '2026-10-01'",
  '^([01]\\d|2[0-3]):[0-5]\\d$': "a time of day on the 24-hour clock written HH:MM, e.g. '09:00' or '17:30'",
  '^\\d+(s|m|h|d)$': "a duration: a whole number and a unit s, m, h or d, e.g. '30m' or '2h'",
  '^0*[1-9]\\d*(s|m|h|d)$': "a duration above zero: a whole number and a unit s, m, h or d, e.g. '30m' or '1h'",
  '^[a-z][a-z0-9_]{0,62}$':
    "a name of lower-case letters, digits and underscores that starts with a letter, at most 63 characters, e.g. 'daily_metrics'",
  '^[a-z_][a-z0-9_]*$':
    "a name of lower-case letters, digits and underscores that does not start with a digit, e.g. 'wharf'",
  '^[A-Za-z_][A-Za-z0-9_]*$':
    "an environment variable name: letters, digits and underscores, not starting with a digit, e.g. 'PG_PASSWORD'",
};

/** The format a pattern stands for, in words; the pattern itself when it is not one of Wharf's. */
export function describeFormat(pattern: string): string {
  return FORMATS[pattern] ?? `text matching the pattern ${pattern}`;
}
