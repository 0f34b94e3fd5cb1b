/** Human rendering of diagnostics: one block per problem, file:line:column and field first. */
import pc from 'picocolors';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export function renderDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const lines = diagnostics.map((d) => {
    const position = d.file && d.line !== undefined ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file;
    const where = [position, d.field].filter(Boolean).join(' → ');
    const label = d.severity === 'error' ? pc.red('error') : pc.yellow('warning');
    const head = `${label} ${where ? `${pc.bold(where)}: ` : ''}${d.summary} ${pc.dim(`[${d.code}]`)}`;
    return d.hint ? `${head}\n    ${d.hint}` : head;
  });
  const total = `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`;
  return [...lines, '', total].join('\n');
}
