/**
 * Child processes of the chaos run: `ingest` commands run to completion or killed with
 * SIGKILL at a random moment. Each is watched (watch.ts): one that runs far past its limit is
 * described and killed, and awaiting it throws that description.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { INGEST } from './project.js';
import type { ChaosWatch } from './watch.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** How long it ran, ms. */
  ms: number;
  pid: number | undefined;
}

/** Starts `ingest` commands in a project with one environment, each under the run's watchdog. */
export class IngestProcesses {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly watch: ChaosWatch,
  ) {}

  start(dir: string, args: string[]): { child: ChildProcess; done: Promise<Finished> } {
    const started = Date.now();
    const child = spawn(process.execPath, [INGEST, ...args, '--project', dir], {
      cwd: dir,
      env: { ...this.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<Finished>((resolve, reject) => {
      this.watch.watch(child, `ingest ${args.join(' ')}`, reject);
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        resolve({ code, signal, stdout, stderr, ms: Date.now() - started, pid: child.pid }),
      );
    });
    return { child, done };
  }

  /** Runs an ingest command to the end; throws with its output when it fails. */
  async run(dir: string, args: string[]): Promise<Finished> {
    const result = await this.start(dir, args).done;
    if (result.code !== 0)
      throw new Error(
        `ingest ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stderr || result.stdout}`,
      );
    return result;
  }

  /** Starts a command and SIGKILLs it after `afterMs`; `killed` is true when the kill landed (it was still running). */
  async killAfter(dir: string, args: string[], afterMs: number): Promise<{ killed: boolean; result: Finished }> {
    const { child, done } = this.start(dir, args);
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    try {
      const result = await done;
      return { killed: result.signal === 'SIGKILL', result };
    } finally {
      clearTimeout(timer);
    }
  }
}
