/**
 * Text length in characters (Unicode code points), as names are limited: JavaScript's
 * `length` counts UTF-16 units, so one emoji outside the Basic Multilingual Plane counts 2.
 * DuckDB's `length` and PostgreSQL's `char_length` count code points too.
 */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = text.charCodeAt(i + 1);
    // A high surrogate followed by a low one is one character; a lone surrogate counts as one.
    if (next >= 0xdc00 && next <= 0xdfff) {
      count--;
      i++;
    }
  }
  return count;
}
