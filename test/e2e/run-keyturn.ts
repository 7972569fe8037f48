import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The built single-file CLI: e2e tests exercise exactly what users run. */
export const cliPath = fileURLToPath(new URL('../../dist/keyturn.mjs', import.meta.url));

/**
 * The default state base of every spawned CLI (`KEYTURN_STATE_DIR`): the suite runs as root
 * on CI, where the default would be the system's /run/keyturn, shared with whatever else runs
 * there. One per test process, removed when it exits.
 */
export const testStateBase = mkdtempSync(join(tmpdir(), 'keyturn-e2e-state-'));
// Like /tmp (sticky): tests that run keyturn as another user write their state here too.
chmodSync(testStateBase, 0o1777);
process.once('exit', () => rmSync(testStateBase, { recursive: true, force: true }));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
  /** Called with each chunk of stderr as it arrives (to react to a log line mid-run). */
  onStderr?: (chunk: string) => void;
}

/**
 * The environment for a spawned CLI: only `extra` plus PATH, HOME and the test state base, so
 * the test's own VAULT_* variables never leak in and no run writes the system's state
 * directory. Throws first if the CLI is not built.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    KEYTURN_STATE_DIR: testStateBase,
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Spawns `keyturn ARGS` with only the given environment (plus PATH and HOME). */
export function runKeyturn(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env = cliEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env,
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 15_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      options.onStderr?.(String(chunk));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * SPEC §8: nothing keyturn handled may appear in what it printed. Values shorter than the
 * redactor's minimum are skipped; a failure names the label, not the secret.
 */
export function expectNoSecrets(
  result: RunResult,
  secrets: Record<string, string | undefined>,
): void {
  const output = result.stdout + result.stderr;
  const leaked = Object.entries(secrets)
    .filter(([, value]) => value !== undefined && value.length >= 4)
    .flatMap(([label, value]) => {
      const forms = [
        value as string,
        ...(value as string).split('\n').filter((l) => l.trim().length >= 16),
      ];
      return forms.some((form) => output.includes(form)) ? [label] : [];
    });
  expect(leaked, 'secrets found in keyturn output').toEqual([]);
}

/** The JSON log lines keyturn wrote to stderr. */
export function logLines(result: RunResult): Record<string, unknown>[] {
  return result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
