/**
 * One config value as the loader checks it: a module's default export, or one element of it,
 * with where it came from, so every diagnostic names the file and the field.
 */

export interface ModuleValue {
  file: string;
  value: Record<string, unknown>;
  /** Path of this value inside the module's default export (`[1]` for arrays). */
  prefix: string;
  /**
   * The module could not be loaded: `value` holds only the name read from its source text,
   * so references to it are not reported as "not defined" on top of its own error.
   */
  unreadable?: boolean;
}

/** The path of a field of a module value, for diagnostics. */
export function field(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}
