import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Node has no renameat2, so the swapper is a tiny C program compiled on first use (gcc or cc),
 * or, without a compiler, python3 calling renameat2 through libc with ctypes. Returns why it
 * cannot run when neither exists.
 */
export function swapperCommand(): { command: string[] } | { skip: string } {
  const source = fileURLToPath(new URL('./swapper.c', import.meta.url));
  const binary = join(tmpdir(), `keyturn-swapper-${process.pid}`);
  for (const cc of ['gcc', 'cc']) {
    try {
      if (!existsSync(binary)) execFileSync(cc, ['-O2', '-o', binary, source], { stdio: 'pipe' });
      return { command: [binary] };
    } catch {
      // try the next compiler, then python
    }
  }
  try {
    execFileSync('python3', ['-c', 'import ctypes; ctypes.CDLL(None).renameat2'], {
      stdio: 'pipe',
    });
    return { command: ['python3', fileURLToPath(new URL('./swapper.py', import.meta.url))] };
  } catch {
    return { skip: 'neither a C compiler nor python3 with libc renameat2 is available' };
  }
}

export interface Swapper {
  child: ChildProcess;
  /** Resolves with the number of exchanges made once it stops by itself. */
  done: Promise<number>;
  started: Promise<void>;
}

/** Swaps `a` and `b` for `ms` milliseconds as `uid`/`gid` (the attacker). */
export function startSwapper(
  command: string[],
  a: string,
  b: string,
  ms: number,
  who: { uid: number; gid: number },
): Swapper {
  const [file = '', ...args] = command;
  const child = spawn(file, [...args, a, b, String(ms)], {
    uid: who.uid,
    gid: who.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onStart: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('started')) onStart();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`swapper exited ${code}: ${err}`));
      else resolve(Number(out.trim().split('\n').at(-1)));
    });
  });
  return { child, done, started };
}
