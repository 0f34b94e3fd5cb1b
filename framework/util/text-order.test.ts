/**
 * compareText gives one order on every host. Each case runs in a child process whose LC_ALL
 * names a locale that collates these texts apart from English (Node's ICU takes its default
 * locale from it), and checks that a bare localeCompare there really does (else the case
 * proves nothing) while compareText gives the order reviewed below.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TEXTS = ['zone', 'hostID', 'aa_events', 'timestamp', 'chargeID', 'b_events', 'source', 'iOS', 'ab'];
/** English order, reviewed once: what an English or C-locale host always gave. */
const ENGLISH = ['aa_events', 'ab', 'b_events', 'chargeID', 'hostID', 'iOS', 'source', 'timestamp', 'zone'];

function sortedUnder(locale: string): { bare: string[]; compareText: string[] } {
  const script = `
    import { compareText } from ${JSON.stringify(join(import.meta.dirname, 'text-order.ts'))};
    const texts = ${JSON.stringify(TEXTS)};
    console.log(JSON.stringify({
      bare: [...texts].sort((a, b) => a.localeCompare(b)),
      compareText: [...texts].sort(compareText),
    }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, LC_ALL: locale, LANG: locale },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { bare: string[]; compareText: string[] };
}

describe('compareText', () => {
  it.each(['da_DK.UTF-8', 'cs_CZ.UTF-8', 'et_EE.UTF-8'])(
    'sorts in English order on a host whose locale is %s',
    { timeout: 30_000 },
    (locale) => {
      const { bare, compareText } = sortedUnder(locale);
      expect(bare).not.toEqual(ENGLISH);
      expect(compareText).toEqual(ENGLISH);
    },
  );

  it('sorts as a bare localeCompare did on a C-locale host', { timeout: 30_000 }, () => {
    const { bare, compareText } = sortedUnder('C.UTF-8');
    expect(bare).toEqual(ENGLISH);
    expect(compareText).toEqual(ENGLISH);
  });
});
