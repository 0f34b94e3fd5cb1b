/**
 * The one conformance suite every connector passes. A connector's test file calls
 * runConnectorConformance with a ConformanceSetup that opens its backend (a real server, or a
 * local protocol fake) and loads fixtures into it; see docs/connectors.md.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { columnarTests } from './columnar-tests.js';
import { dayTests } from './day-tests.js';
import { errorTests } from './error-tests.js';
import { MIN_STREAM_ROWS, type ConformanceHarness, type ConformanceSetup } from './harness.js';
import { signalTests } from './signal-tests.js';
import { streamingTests } from './streaming-tests.js';
import { valueTests } from './values-tests.js';

/** The number of rows the streaming test uses for a setup, enforcing the contract's minimum. */
export function streamRowsFor(setup: ConformanceSetup): number {
  const rows = setup.streamRows ?? MIN_STREAM_ROWS;
  if (rows < MIN_STREAM_ROWS && !setup.protocolFake) {
    throw new Error(
      `Only protocol fakes may stream fewer than ${MIN_STREAM_ROWS} rows in the conformance suite (asked for ${rows}).`,
    );
  }
  return rows;
}

/** Registers the conformance suite for connector `name` against the backend `setup` opens. */
export function runConnectorConformance(name: string, setup: ConformanceSetup): void {
  const rowCount = streamRowsFor(setup);
  describe(`connector conformance: ${name}${setup.protocolFake ? ' (protocol fake)' : ''}`, () => {
    let harness: ConformanceHarness | undefined;
    const current = (): ConformanceHarness => {
      if (!harness) throw new Error(`The conformance backend for ${name} did not open; see the first failure.`);
      return harness;
    };

    beforeAll(async () => {
      harness = await setup.open();
    });
    afterAll(async () => {
      await harness?.close();
    });

    valueTests(current);
    dayTests(current);
    signalTests(current);
    errorTests(current, setup.faults);
    streamingTests(current, rowCount);
    columnarTests(current);
  });
}
