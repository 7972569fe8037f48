import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { Container } from './container.ts';
import { type DockerCall, DockerCommandError, type DockerResult } from './docker-cli.ts';
import type { DockerHarness } from './docker-harness.ts';

/** Overrides that swap an example's images for local ones and label everything. */
export const overrides = {
  compose: fileURLToPath(new URL('compose/local-images.yml', import.meta.url)),
  jenkins: fileURLToPath(new URL('compose/jenkins-local-images.yml', import.meta.url)),
};

/** Compose projects the Docker tests start are named `containers-<example>-<run key>`. */
export const projectPrefix = 'containers-';

export interface ComposeOptions {
  /** Short name of the example: part of the project name. */
  name: string;
  /** The example's compose file. */
  file: string;
  /** Added after it: one of `overrides`. */
  override: string;
  /** Images for local-images.yml (KEYTURN_TEST_*_IMAGE) and anything else it interpolates. */
  env: Record<string, string>;
}

/**
 * One docker-compose (v1, Debian's package) project of an example, on the harness engine:
 * the example's file as a user runs it plus an override with local images. `await using` takes it down.
 */
export class ComposeProject implements AsyncDisposable {
  readonly docker: DockerHarness;
  readonly project: string;
  readonly #args: string[];
  readonly #env: Record<string, string>;

  constructor(docker: DockerHarness, options: ComposeOptions) {
    this.docker = docker;
    this.project = `${projectPrefix}${options.name}-${docker.runKey}`.toLowerCase();
    this.#args = [
      '--project-name',
      this.project,
      '--file',
      options.file,
      '--file',
      options.override,
    ];
    this.#env = {
      ...docker.cli.env,
      KEYTURN_TEST_RUN: docker.runKey,
      KEYTURN_TEST_VAULT_IMAGE: docker.images.vaultServer,
      KEYTURN_TEST_NODE_IMAGE: docker.images.node24,
      ...options.env,
    };
  }

  /** `docker-compose ARGS` with `env` added; throws on a non-zero exit unless `check: false`. */
  async run(
    args: string[],
    call: DockerCall & { env?: Record<string, string> } = {},
  ): Promise<DockerResult> {
    const all = [...this.#args, ...args];
    const done = await execa('docker-compose', all, {
      env: { ...this.#env, ...call.env },
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      stdin: 'ignore',
      timeout: call.timeoutMs ?? 180_000,
    });
    const result: DockerResult = {
      exitCode: done.exitCode ?? -1,
      stdout: String(done.stdout ?? ''),
      stderr: String(done.stderr ?? '') + (done.timedOut ? '\n(timed out)' : ''),
    };
    if (call.check !== false && (result.exitCode !== 0 || done.failed))
      throw new DockerCommandError(['compose', ...all], result, done.cause);
    return result;
  }

  /** `up -d --no-build SERVICES` (the images are built by the harness). */
  async up(services: string[], env: Record<string, string> = {}, profiles: string[] = []) {
    const flags = profiles.flatMap((profile) => ['--profile', profile]);
    return this.run([...flags, 'up', '--detach', '--no-build', ...services], { env });
  }

  /** The service's (single) container, running or not. */
  async container(service: string, profiles: string[] = []): Promise<Container> {
    const flags = profiles.flatMap((profile) => ['--profile', profile]);
    const id = (await this.run([...flags, 'ps', '--all', '--quiet', service])).stdout.trim();
    if (!id || id.includes('\n'))
      throw new Error(`${service}: expected one container, got "${id}"`);
    return new Container(this.docker.cli, id);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const profiles = ['launcher', 'exec', 'sidecar'].flatMap((p) => ['--profile', p]);
    await this.run([...profiles, 'down', '--volumes', '--remove-orphans', '--timeout', '1'], {
      check: false,
    });
  }
}
