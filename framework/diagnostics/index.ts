export * from './diagnostic.js';
export * from './errors.js';
export { redactSecrets } from './redact.js';
