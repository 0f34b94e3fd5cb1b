/**
 * The messages between the loader and the worker thread that imports users' config modules.
 * Only plain data crosses: module values are structured-cloned, failures are text.
 */

/** One module to import: its absolute path and its path relative to the project root. */
export interface ModuleRequest {
  absolute: string;
  file: string;
}

/** Why a module could not give a value; becomes a diagnostic on its file. */
export interface ModuleFailure {
  code: string;
  summary: string;
  hint: string;
  /** The error the module threw, as text: the loader locates it in the module's source. */
  error?: { message: string; stack?: string };
}

export type WorkerMessage =
  /** The worker starts importing this module (the time limit runs from here). */
  | { type: 'begin'; file: string }
  /** The module's default export (undefined when it has none). */
  | { type: 'value'; file: string; value: unknown }
  | { type: 'failed'; file: string; failure: ModuleFailure }
  /** Every requested module has been handled. */
  | { type: 'done' };
