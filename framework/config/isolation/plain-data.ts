/**
 * Config values cross from the worker that imported them as plain data. A function or a
 * symbol cannot cross (and no config field takes one), so it is named with its path instead
 * of failing the whole load with a clone error.
 */

/** The path of the first function or symbol inside `value`, or null when there is none. */
export function firstNonPlainValue(value: unknown): { path: string; kind: string } | null {
  const seen = new Set<object>();
  // An explicit stack rather than recursion: a deeply nested value must not overflow it.
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'function' || typeof v === 'symbol')
      return { path: path || '(the default export)', kind: typeof v };
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    const entries = Array.isArray(v)
      ? v.map((item, i) => [`[${i}]`, item] as const)
      : Object.entries(v).map(([k, item]) => [path ? `.${k}` : k, item] as const);
    for (const [key, item] of entries) stack.push({ value: item, path: `${path}${key}` });
  }
  return null;
}

/**
 * The module's default export with every property read once, as plain objects and arrays: a
 * getter that throws fails here, inside the worker, where its error is reported on the module,
 * rather than somewhere in validation.
 */
export function readPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readPlain);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.keys(value).map((key) => [key, readPlain((value as Record<string, unknown>)[key])]));
}
