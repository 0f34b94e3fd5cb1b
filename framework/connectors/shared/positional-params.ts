/**
 * SQL sessions take PostgreSQL-style positional parameters (`$1, $2, …`); warehouses spell
 * bind markers their own way (Snowflake `:1`, Databricks named `:p1`). This rewrites the
 * markers outside string literals, quoted identifiers and comments, where a `$1` is text.
 */

/** Where a quoted run or comment that starts at `sql[i]` ends (the index after it), or -1 when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\' && c === "'") j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j += 1;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return -1;
}

/** `sql` with every `$n` marker outside quotes and comments replaced by `marker(n)`. */
export function rewritePositionalParams(sql: string, marker: (n: number) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const end = skipQuoted(sql, i);
    if (end >= 0) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    const param = /^\$(\d+)/.exec(sql.slice(i, i + 12));
    if (param && !/[\w$]/.test(sql[i - 1] ?? '')) {
      out += marker(Number(param[1]));
      i += param[0].length;
      continue;
    }
    out += sql[i];
    i += 1;
  }
  return out;
}
