/**
 * The DuckDB store's memory cap: the environment variable that sets it and its default
 * (store/open-store.ts applies it, out-of-memory.ts names both when a load runs out of it).
 */
export const DUCKDB_STORE_MEMORY_VARIABLE = 'WHARF_DUCKDB_MEMORY_LIMIT';
export const DEFAULT_DUCKDB_STORE_MEMORY_LIMIT = '96MB';
