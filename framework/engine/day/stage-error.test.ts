import { describe, expect, it } from 'vitest';
import { errorClassOf, isTransient, messageOf, WharfError } from '../../diagnostics/errors.js';
import { DayStageError, inStage } from './stage-error.js';

const failing = (err: unknown) => async () => {
  throw err;
};

describe('inStage', () => {
  it('names the stage and keeps what retries and the ledger read from the original', async () => {
    const original = new WharfError('connection reset by the warehouse', {
      code: 'pg.connection',
      errorClass: 'connection',
      transient: true,
      hint: 'retry later',
    });
    const err = await inStage('rows', failing(original)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DayStageError);
    expect(err).toMatchObject({ stage: 'rows', code: 'pg.connection', hint: 'retry later', cause: original });
    expect([messageOf(err), errorClassOf(err), isTransient(err)]).toEqual([
      'connection reset by the warehouse',
      'connection',
      true,
    ]);
  });

  it('keeps an unexpected error internal and terminal', async () => {
    const err = await inStage('plan', failing(new TypeError('x is undefined'))).catch((e: unknown) => e);
    expect([messageOf(err), errorClassOf(err), isTransient(err), (err as DayStageError).stage]).toEqual([
      'x is undefined',
      'internal',
      false,
      'plan',
    ]);
  });

  it('keeps the innermost stage name when stages nest', async () => {
    const err = await inStage('outcome', () => inStage('columnar', failing(new Error('disk full')))).catch(
      (e: unknown) => e,
    );
    expect((err as DayStageError).stage).toBe('columnar');
  });

  it('returns what the stage returned', async () => {
    expect(await inStage('plan', async () => 42)).toBe(42);
  });
});
