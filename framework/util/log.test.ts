import { describe, expect, it } from 'vitest';
import { registerSecret } from '../diagnostics/redact.js';
import { createLogger } from './log.js';

const fixed = () => new Date('2024-01-02T03:04:05Z');

describe('createLogger', () => {
  it('writes one JSON object per line with base and call fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), now: fixed }).child({ component: 'api' });
    log.info('request', { status: 202 });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      time: '2024-01-02T03:04:05.000Z',
      level: 'info',
      msg: 'request',
      component: 'api',
      status: 202,
    });
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    log.info('quiet');
    log.error('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });

  it('redacts registered secrets in messages and fields, in both formats', () => {
    registerSecret('hunter2-secret-value');
    const lines: string[] = [];
    for (const format of ['json', 'pretty'] as const) {
      const log = createLogger({ format, write: (l) => lines.push(l), now: fixed });
      log.error('auth failed with hunter2-secret-value', { url: 'https://x/hunter2-secret-value' });
    }
    expect(lines.join('')).not.toContain('hunter2-secret-value');
    expect(lines[1]).toMatch(/^03:04:05 ERROR auth failed with \*\*\* url=https:\/\/x\/\*\*\*/);
  });
});
