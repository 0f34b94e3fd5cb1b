import { describe, expect, it } from 'vitest';
import { redactSecrets, registerSecret } from './redact.js';

describe('redactSecrets', () => {
  it('replaces a secret that holds another whole, whichever was registered first', () => {
    registerSecret('tok-7f3a');
    registerSecret('tok-7f3a-rest-of-token');
    registerSecret('pw-9e1c-and-more');
    registerSecret('pw-9e1c');
    expect(redactSecrets('auth tok-7f3a-rest-of-token, then tok-7f3a; pw-9e1c-and-more and pw-9e1c')).toBe(
      'auth ***, then ***; *** and ***',
    );
  });

  it('leaves values shorter than four characters, and text without secrets, as they are', () => {
    registerSecret('abc');
    expect(redactSecrets('abc is not a secret')).toBe('abc is not a secret');
  });
});
