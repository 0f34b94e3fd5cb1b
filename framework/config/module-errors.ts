/**
 * Diagnostics for a module that cannot be read: a syntax error (file, line and the
 * TypeScript compiler's message, rather than the bundler's "Transform failed"), an error
 * thrown while the module runs, or a getter that throws while its value is read. The errors
 * come from the worker that imported the module (isolation/), as message and stack text.
 */
import { readFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { typescriptFor } from './typescript-parser.js';

/** An error thrown by a module, as the worker reports it. */
export interface ThrownError {
  message: string;
  stack?: string;
}

/** Why importing `absolute` (shown as `file`) failed, located as precisely as the error allows. */
export function importFailure(absolute: string, file: string, err: ThrownError): Diagnostic {
  const syntax = syntaxError(absolute, file);
  if (syntax) return syntax;
  return error('module.import-failed', `The module could not be loaded: ${firstLine(err)}`, {
    file,
    ...stackLocation(err, absolute),
    hint: 'Fix the error in the module; `npx tsc --noEmit` shows type errors with line numbers.',
  });
}

/** The first syntax error the TypeScript compiler finds in the file, if any. */
function syntaxError(absolute: string, file: string): Diagnostic | undefined {
  const ts = typescriptFor(absolute);
  if (!ts) return undefined;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch {
    return undefined;
  }
  const { diagnostics = [] } = ts.transpileModule(text, {
    fileName: absolute,
    reportDiagnostics: true,
    compilerOptions: { allowJs: true },
  });
  const first = diagnostics.find((d) => d.category === ts.DiagnosticCategory.Error && d.file && d.start !== undefined);
  if (!first?.file || first.start === undefined) return undefined;
  const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
  return error('module.syntax-error', `Syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`, {
    file,
    line: line + 1,
    column: character + 1,
    hint: 'Fix the syntax at that line; your editor or `npx tsc --noEmit` marks it too.',
  });
}

/** A getter of the module's default export threw while its value was read. */
export function readFailure(absolute: string, file: string, err: ThrownError): Diagnostic {
  return error('module.read-failed', `Reading the module's exported value failed: ${firstLine(err)}`, {
    file,
    ...stackLocation(err, absolute),
    hint: 'Config values are read once, at load time; replace the getter by a plain value or fix the error it throws.',
  });
}

function firstLine(err: ThrownError): string {
  return err.message.split('\n')[0];
}

/**
 * The line and column of the first stack frame inside the module's own file. Frames of the
 * transformed code (when the process prints raw stack traces) are mapped back through the
 * module's source map.
 */
function stackLocation(err: ThrownError, absolute: string): Pick<Diagnostic, 'line' | 'column'> {
  const stack = err.stack ?? '';
  for (const prefix of [pathToFileURL(absolute).href, absolute]) {
    // jiti prints its frames as paths, already mapped; a loader may add a query to a URL
    // (`?…`) before `:line:column`.
    const at = stack.indexOf(prefix);
    const match = at < 0 ? null : /^(\?[^:\s)]*)?:(\d+):(\d+)/.exec(stack.slice(at + prefix.length));
    if (!match) continue;
    const line = Number(match[2]);
    const column = Number(match[3]);
    // Node prints mapped frames as paths; a frame printed as the URL is of the transformed code.
    const entry = (
      prefix === absolute ? undefined : findSourceMap(prefix + (match[1] ?? ''))?.findEntry(line - 1, column - 1)
    ) as { originalLine?: number; originalColumn?: number } | undefined;
    if (typeof entry?.originalLine === 'number')
      return { line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
    return { line, column };
  }
  return {};
}
