/**
 * Measures retained heap while a stream is consumed, to prove streaming is bounded. Garbage
 * is collected before each sample so only live objects count; `--expose-gc` is switched on at
 * run time because vitest workers are not started with it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = () => void;

function collector(): Collect {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as Collect;
}

/** Samples retained heap growth over a baseline taken at construction. */
export class HeapProbe {
  private readonly collect = collector();
  private readonly baseline: number;
  /** Largest retained growth seen, in bytes. */
  maxGrowth = 0;

  constructor() {
    this.baseline = this.retained();
  }

  sample(): void {
    this.maxGrowth = Math.max(this.maxGrowth, this.retained() - this.baseline);
  }

  private retained(): number {
    this.collect();
    return process.memoryUsage().heapUsed;
  }
}
