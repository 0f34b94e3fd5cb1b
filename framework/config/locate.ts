/**
 * Finds where a diagnostic's field is written in its module, with the TypeScript parser: the
 * object literal of the default export (through `defineX(...)`, `as`/`satisfies`, a named
 * constant or an array), then the property path. A field that is missing points at the object
 * that should hold it; a problem with no field points at the default export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type ts from 'typescript';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { typescriptFor } from './typescript-parser.js';

/** The compiler, set by the exported functions before they parse (see typescript-parser.ts). */
let tsc: typeof ts;

/** The diagnostics with `line` and `column` added wherever the file's source gives them. */
export function locateDiagnostics(root: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (!diagnostics.some((d) => d.file && d.line === undefined)) return [...diagnostics];
  const compiler = typescriptFor(root);
  if (!compiler) return [...diagnostics];
  tsc = compiler;
  const sources = new Map<string, ts.SourceFile | null>();
  return diagnostics.map((d) => {
    if (!d.file || d.line !== undefined || !/\.[mc]?[jt]s$/.test(d.file)) return d;
    if (!sources.has(d.file)) sources.set(d.file, parse(join(root, d.file)));
    const source = sources.get(d.file);
    const node = source ? locate(source, d.field) : undefined;
    if (!source || !node) return d;
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    return { ...d, line: line + 1, column: character + 1 };
  });
}

/**
 * The `name` a module's default export sets, read from its source text: the name of a module
 * that cannot be loaded (a syntax error, an error at import), so that references to it are
 * not reported as undefined on top of its own error.
 */
export function exportedName(path: string): string | undefined {
  const compiler = typescriptFor(path);
  if (!compiler) return undefined;
  tsc = compiler;
  const source = parse(path);
  const node = source ? locate(source, 'name') : undefined;
  return node && tsc.isPropertyAssignment(node) && tsc.isStringLiteralLike(node.initializer)
    ? node.initializer.text
    : undefined;
}

function parse(path: string): ts.SourceFile | null {
  try {
    return tsc.createSourceFile(path, readFileSync(path, 'utf8'), tsc.ScriptTarget.Latest, true);
  } catch {
    return null;
  }
}

/** `metrics[0].ingestion` → ['metrics', 0, 'ingestion']; `[1].name` → [1, 'name']. */
function segments(field: string | undefined): (string | number)[] {
  if (!field) return [];
  return [...field.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
}

function locate(source: ts.SourceFile, field: string | undefined): ts.Node | undefined {
  const exported = source.statements.find(tsc.isExportAssignment);
  if (!exported) return undefined;
  let node: ts.Node = exported;
  let value: ts.Node | undefined = unwrap(source, exported.expression);
  for (const segment of segments(field)) {
    const next: ts.Node | undefined = value ? child(value, segment) : undefined;
    if (!next) break;
    node = next;
    value = tsc.isPropertyAssignment(next)
      ? unwrap(source, next.initializer)
      : tsc.isShorthandPropertyAssignment(next)
        ? undefined
        : unwrap(source, next as ts.Expression);
  }
  return node;
}

/** The value under `defineX(...)`, parentheses, `as`/`satisfies` and a constant's name. */
function unwrap(source: ts.SourceFile, expression: ts.Expression): ts.Expression {
  let e = expression;
  for (;;) {
    if (tsc.isCallExpression(e) && e.arguments.length === 1) e = e.arguments[0];
    else if (tsc.isParenthesizedExpression(e) || tsc.isAsExpression(e) || tsc.isSatisfiesExpression(e))
      e = e.expression;
    else if (tsc.isIdentifier(e)) {
      const initializer = declaredValue(source, e.text);
      if (!initializer) return e;
      e = initializer;
    } else return e;
  }
}

function declaredValue(source: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of source.statements) {
    if (!tsc.isVariableStatement(statement)) continue;
    const declaration = statement.declarationList.declarations.find(
      (d) => tsc.isIdentifier(d.name) && d.name.text === name,
    );
    if (declaration?.initializer) return declaration.initializer;
  }
  return undefined;
}

function child(value: ts.Node, segment: string | number): ts.Node | undefined {
  if (typeof segment === 'number') return tsc.isArrayLiteralExpression(value) ? value.elements[segment] : undefined;
  if (!tsc.isObjectLiteralExpression(value)) return undefined;
  return value.properties.find((p) => p.name !== undefined && propertyName(p.name) === segment);
}

function propertyName(name: ts.PropertyName): string | undefined {
  return tsc.isIdentifier(name) ||
    tsc.isStringLiteral(name) ||
    tsc.isNumericLiteral(name) ||
    tsc.isPrivateIdentifier(name)
    ? name.text
    : undefined;
}
