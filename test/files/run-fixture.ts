import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface FixtureExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningFixture {
  child: ChildProcess;
  exited: Promise<FixtureExit>;
  /** Resolves once stdout contains `text`; rejects if the child exits first or `timeoutMs` passes. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
}

/** Starts test/files/fixtures/<name> with this Node (it runs .ts directly), optionally as another user. */
export function runFixture(
  name: string,
  args: string[],
  opts: { uid?: number; gid?: number; env?: Record<string, string> } = {},
): RunningFixture {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, [script, ...args], {
    uid: opts.uid,
    gid: opts.gid,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<FixtureExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForOutput = async (text: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!stdout.includes(text)) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`fixture exited before printing ${text}: ${stdout} ${stderr}`);
      }
      if (Date.now() > deadline)
        throw new Error(`fixture did not print ${text} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { child, exited, waitForOutput };
}
