/**
 * Child processes of the chaos run: `ingest` commands run to completion or killed with
 * SIGKILL at a random moment, and a seeded random source so a failing run can be replayed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { INGEST } from './project.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

export function startIngest(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [INGEST, ...args, '--project', dir], {
    cwd: dir,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs an ingest command to the end; throws with its output when it fails. */
export async function runIngest(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  const result = await startIngest(dir, args, env).done;
  if (result.code !== 0)
    throw new Error(
      `ingest ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stderr || result.stdout}`,
    );
  return result;
}

/** Starts a command and SIGKILLs it after `afterMs`; `killed` is true when the kill landed (it was still running). */
export async function killAfter(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  afterMs: number,
): Promise<{ killed: boolean; result: Finished }> {
  const { child, done } = startIngest(dir, args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  const result = await done;
  clearTimeout(timer);
  return { killed: result.signal === 'SIGKILL', result };
}
