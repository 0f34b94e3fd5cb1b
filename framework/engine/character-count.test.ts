import { describe, expect, it } from 'vitest';
import { characterCount } from './character-count.js';
import { shown } from './row-values.js';

describe('characterCount', () => {
  it('counts code points, as the stores do (an emoji is one, not two UTF-16 units)', () => {
    for (const text of ['', 'signup', 'é', '🦆'.repeat(100), 'a🦆b🏳️‍🌈c', '日本語'])
      expect(characterCount(text)).toBe(Array.from(text).length);
    expect(characterCount('🦆'.repeat(100))).toBe(100);
  });

  it('counts a lone surrogate as one character', () => {
    expect(characterCount('a\uD83Eb')).toBe(3);
    expect(characterCount('\uDE86\uD83E')).toBe(2);
  });
});

describe('shown', () => {
  it('shortens long text by characters, never cutting an emoji in half', () => {
    expect(shown('🦆'.repeat(100))).toBe(JSON.stringify(`${'🦆'.repeat(57)}...`));
    expect(shown('x'.repeat(61))).toBe(JSON.stringify(`${'x'.repeat(57)}...`));
    expect(shown('🦆'.repeat(40))).toBe(JSON.stringify('🦆'.repeat(40)));
  });
});
