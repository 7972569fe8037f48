import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';

/*
 * Why the docker CLI and not dockerode for the TEST harness: the CLI already does what tests
 * need and what is fiddly over the raw API (build contexts and .dockerignore, `import` from a
 * tar stream, demultiplexed logs, `--init`, `--tmpfs`), its failures read exactly like what a
 * developer sees in a terminal, and the tests exercise the same paths an operator uses.
 * dockerode stays the choice for keyturn's own `launch` command, which must not need a CLI.
 */

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DockerCall {
  /** Written to the command's stdin. */
  input?: string | Readable;
  timeoutMs?: number;
  /** Default true: a non-zero exit throws DockerCommandError. */
  check?: boolean;
}

/** A docker command that exited non-zero (or timed out); names the command and its stderr. */
export class DockerCommandError extends Error {
  readonly args: string[];
  readonly result: DockerResult;

  constructor(args: string[], result: DockerResult, cause?: unknown) {
    const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
    super(`docker ${args.join(' ')} exited ${result.exitCode}:\n${tail}`, { cause });
    this.name = 'DockerCommandError';
    this.args = args;
    this.result = result;
  }
}

/** An empty client config: a developer's credential helpers must not run during test builds. */
function emptyConfigDir(): string {
  const dir = join(tmpdir(), 'keyturn-docker-cli');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The docker CLI pointed at one engine, with a clean environment. */
export class DockerCli {
  readonly host: string;
  readonly #env: Record<string, string>;

  constructor(host: string) {
    this.host = host;
    this.#env = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      DOCKER_HOST: host,
      DOCKER_CONFIG: emptyConfigDir(),
      // The classic builder is in every engine and CLI; BuildKit through a CLI needs buildx.
      DOCKER_BUILDKIT: '0',
      DOCKER_CLI_HINTS: 'false',
    };
  }

  /** The clean environment the CLI runs with (docker-compose gets the same). */
  get env(): Record<string, string> {
    return { ...this.#env };
  }

  /** Runs `docker ARGS`; throws DockerCommandError on a non-zero exit unless `check: false`. */
  async run(args: string[], call: DockerCall = {}): Promise<DockerResult> {
    const child = execa('docker', args, {
      env: this.#env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      timeout: call.timeoutMs ?? 120_000,
      ...(call.input === undefined ? { stdin: 'ignore' as const } : { input: call.input }),
    });
    const done = await child;
    const result: DockerResult = {
      exitCode: done.exitCode ?? -1,
      stdout: String(done.stdout ?? ''),
      stderr: String(done.stderr ?? '') + (done.timedOut ? '\n(timed out)' : ''),
    };
    if (call.check !== false && (result.exitCode !== 0 || done.failed))
      throw new DockerCommandError(args, result, done.cause);
    return result;
  }

  /** `docker ARGS` in the background (logs --follow, events): the caller kills it. */
  spawn(args: string[]) {
    return execa('docker', args, {
      env: this.#env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      buffer: false,
    });
  }

  /** Stdout of `docker ARGS`, trimmed. */
  async text(args: string[], call: DockerCall = {}): Promise<string> {
    return (await this.run(args, call)).stdout.trim();
  }
}
