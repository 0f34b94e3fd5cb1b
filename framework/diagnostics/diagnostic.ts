/**
 * A problem the user can fix, reported with everything needed to find and fix it.
 * Parsers and validators collect these and keep going, so one run reports every problem;
 * exceptions are for bugs and for failures at run time (see errors.ts).
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `mapping.unknown-source`. */
  code: string;
  /** File the problem is in, relative to the project root, when there is one. */
  file?: string;
  /** JSON path of the field inside the module's exported value, e.g. `columns.metric_name`. */
  field?: string;
  /** 1-based line and column in `file` of the field (or of the module's export), when the source gives it. */
  line?: number;
  column?: number;
  /** One sentence: the rule that was broken. */
  summary: string;
  /** What the user should do about it. */
  hint?: string;
}

export function error(
  code: string,
  summary: string,
  where: Pick<Diagnostic, 'file' | 'field' | 'line' | 'column' | 'hint'> = {},
): Diagnostic {
  return { severity: 'error', code, summary, ...where };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * The en-US collation of util/text-order.ts (diagnostics imports nothing of Wharf's): the
 * same order whatever the host's locale.
 */
const EN_US = new Intl.Collator('en-US');

/** Stable ordering for output and golden files: by file, then line, then field, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const line = (d: Diagnostic) => (d.line === undefined ? '' : String(d.line).padStart(8, '0'));
  const key = (d: Diagnostic) => `${d.file ?? ''}\u0000${line(d)}\u0000${d.field ?? ''}\u0000${d.code}`;
  return [...diagnostics].sort((a, b) => EN_US.compare(key(a), key(b)));
}
