/**
 * What every `ingest` command shares: `--project` and `--json`, loading the project, and
 * turning errors into a message and an exit code. Commands stay thin: parse flags, call the
 * core, hand the result to a view.
 */
import { resolve } from 'node:path';
import { Command, Flags } from '@oclif/core';
import { loadProject, type LoadResult } from '../config/loader.js';
import { findProjectRoot } from '../config/discover.js';
import type { LoadedProject } from '../config/project.js';
import { WharfError, type ErrorClass } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { renderDiagnostics } from '../views/diagnostics.js';

export abstract class BaseCommand extends Command {
  static baseFlags = {
    project: Flags.directory({
      char: 'p',
      description: 'Folder holding wharf.config.ts (default: searched upwards from the current folder).',
      helpGroup: 'GLOBAL',
    }),
  };

  static enableJsonFlag = true;

  /**
   * The version of this command's `--json` result (docs/json-output.md), written as its
   * `formatVersion` unless the result carries its own (the plan, the state commands). Bump it
   * in the command on any incompatible change to its result.
   */
  static jsonFormatVersion = 1;

  protected toSuccessJson(result: unknown): unknown {
    if (!result || typeof result !== 'object' || Array.isArray(result) || 'formatVersion' in result) return result;
    return { formatVersion: (this.constructor as typeof BaseCommand).jsonFormatVersion, ...result };
  }

  /** The project root from --project, or the nearest folder upwards with wharf.config.ts. */
  protected projectRoot(flag: string | undefined): string {
    if (flag) return resolve(flag);
    const found = findProjectRoot(process.cwd());
    if (!found) {
      throw new WharfError('No wharf.config.ts found in this folder or any parent.', {
        code: 'project.not-found',
        errorClass: 'config',
        hint: 'Run ingest inside a Wharf project, or pass --project <folder>.',
      });
    }
    return found;
  }

  /**
   * Loads and validates the project; on errors prints every diagnostic and exits 1 (with
   * --json: the error document, naming the first problem).
   */
  protected async loadValidProject(flag: string | undefined): Promise<LoadedProject> {
    const result: LoadResult = await loadProject(this.projectRoot(flag));
    if (!result.project) {
      if (this.jsonEnabled()) throw invalidProjectError(result);
      this.logToStderr(renderDiagnostics(result.diagnostics));
      this.exit(1);
    }
    for (const d of result.diagnostics) this.warn(d.summary);
    return result.project as LoadedProject;
  }

  protected async catch(
    err: Error & { exitCode?: number; oclif?: { exit?: number }; code?: string },
  ): Promise<unknown> {
    // A deliberate this.exit(n) (e.g. --detailed-exitcode's 2) is not an error: with --json, oclif
    // would print it as an error document and exit 1, so keep its code and print nothing more.
    if (this.jsonEnabled() && err.code === 'EEXIT' && typeof err.oclif?.exit === 'number') {
      process.exitCode = err.oclif.exit;
      return undefined;
    }
    if (this.jsonEnabled()) {
      // One shape for every error with --json, whatever threw it: never a driver's raw object.
      const { document, exit } = jsonError(err);
      this.logJson(document);
      this.exit(exit);
    }
    if (err instanceof WharfError) {
      const message = redactSecrets(err.message) + (err.hint ? `\n  ${redactSecrets(err.hint)}` : '');
      this.error(message, { exit: 1, code: err.code });
    }
    err.message = redactSecrets(err.message);
    return super.catch(err);
  }
}

function invalidProjectError(result: LoadResult): WharfError {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first?.file
    ? `${first.file}${first.line !== undefined ? `:${first.line}:${first.column ?? 1}` : ''}${first.field ? ` → ${first.field}` : ''}: `
    : '';
  return new WharfError(
    `The project configuration has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; the first: ${where}${first.summary}` : ''}`,
    {
      code: 'config.invalid',
      errorClass: 'config',
      hint: 'Run `ingest validate` to see every problem.',
    },
  );
}

/** Shape of every error printed with --json. */
export interface JsonErrorDocument {
  error: { code: string; class: ErrorClass | 'usage'; message: string; hint: string | null };
}

/**
 * The --json document and exit code of an error: a WharfError as it is; oclif's own errors
 * (unknown flags, missing arguments) as usage errors with their exit code; anything else as
 * an internal error (a bug), its message redacted.
 */
export function jsonError(err: Error & { oclif?: { exit?: number }; code?: unknown }): {
  document: JsonErrorDocument;
  exit: number;
} {
  if (err instanceof WharfError) {
    return {
      document: {
        error: {
          code: err.code,
          class: err.errorClass,
          message: redactSecrets(err.message),
          hint: err.hint ? redactSecrets(err.hint) : null,
        },
      },
      exit: 1,
    };
  }
  if (typeof err.oclif?.exit === 'number') {
    // oclif lists several problems on their own lines ("Missing required flag from", ...).
    const lines = err.message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^See more help with/.test(l));
    const message = redactSecrets(lines.filter((l) => l !== 'The following errors occurred:').join('; '));
    return {
      document: {
        error: {
          code: 'cli.usage',
          class: 'usage',
          message,
          hint: 'Run the command with --help for its arguments and flags.',
        },
      },
      exit: err.oclif.exit,
    };
  }
  const message = redactSecrets(err.message.split('\n')[0]);
  return {
    document: {
      error: {
        code: 'internal',
        class: 'internal',
        message,
        hint: 'This is a bug in Wharf; please report it with the command that failed.',
      },
    },
    exit: 1,
  };
}
