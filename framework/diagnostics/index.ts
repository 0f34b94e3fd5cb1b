export * from './diagnostic.js';
export * from './errors.js';
export { redactSecrets } from './redact.js';
export { closestName, didYouMean } from './suggest.js';
