import { describe, inject } from 'vitest';
import { Container, type ContainerSpec } from './container.ts';
import { DockerCli, type DockerResult } from './docker-cli.ts';
import { testImagePrefix } from './engine/run-resources.ts';

/** Images the global setup built (or found cached) for this run. */
export interface HarnessImages {
  /** keyturn-base-node24:<hash>: busybox, glibc, node 24, user node (1000). */
  node24: string;
  /** keyturn-base-glibc:<hash>: busybox and glibc, no node. */
  glibc: string;
  /** keyturn-vault-server:<hash>: the repo's test Vault server on node24. */
  vaultServer: string;
}

/** What test/docker/global-setup.ts hands the test files. */
export type DockerRun =
  | { status: 'ready'; host: string; runKey: string; images: HarnessImages }
  | { status: 'skipped'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    keyturnDocker: DockerRun;
  }
}

export interface BuildOptions {
  /** Short name: the image is tagged `keyturn-test/<name>:<run key>`, removed at teardown. */
  name: string;
  context: string;
  /** Default: `<context>/Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  /** `--network` of the build's RUN steps (`host` for ones that download, like `npm ci`). */
  network?: string;
  /** `--target` stage. */
  target?: string;
}

/** A real Docker engine for one test run: build images, run and start containers. */
export class DockerHarness {
  readonly cli: DockerCli;
  readonly images: HarnessImages;
  /** Labels everything this run creates, so teardown (or the next run) removes it. */
  readonly runKey: string;

  constructor(run: Extract<DockerRun, { status: 'ready' }>) {
    this.cli = new DockerCli(run.host);
    this.images = run.images;
    this.runKey = run.runKey;
  }

  /** Runs a container to its end: exit code, its stdout and stderr; then removes it. */
  async run(spec: ContainerSpec, timeoutMs = 60_000): Promise<DockerResult> {
    await using container = await Container.create(this.cli, spec, this.runKey);
    // Awaited here: returning the bare promise would remove the container while it runs.
    return await container.attach(timeoutMs);
  }

  /** Creates and starts a container; `await using` removes it. */
  async start(spec: ContainerSpec): Promise<Container> {
    const container = await Container.create(this.cli, spec, this.runKey);
    try {
      return await container.start();
    } catch (error) {
      await container.remove();
      throw error;
    }
  }

  /** `docker build`; returns the tag. Layers are cached by the engine between runs. */
  async build(options: BuildOptions): Promise<string> {
    const tag = `${testImagePrefix}${options.name}:${this.runKey}`;
    const args = ['build', '--quiet', '--tag', tag];
    if (options.dockerfile) args.push('--file', options.dockerfile);
    if (options.network) args.push('--network', options.network);
    if (options.target) args.push('--target', options.target);
    for (const [name, value] of Object.entries(options.buildArgs ?? {}))
      args.push('--build-arg', `${name}=${value}`);
    await this.cli.run([...args, options.context], { timeoutMs: 600_000 });
    return tag;
  }
}

/** The run's Docker context as the global setup provided it. */
export function dockerRun(): DockerRun {
  return inject('keyturnDocker');
}

/**
 * `describe` for tests that need a Docker engine. The body gets the harness (use it inside
 * hooks and tests). Without an engine the block is skipped, and its name says why; the global
 * setup prints the same reason in the run's output, so a skip is never silent.
 */
export function describeDocker(name: string, body: (docker: DockerHarness) => void): void {
  const run = dockerRun();
  if (run.status === 'ready') {
    describe(name, () => body(new DockerHarness(run)));
    return;
  }
  const unusable = new Proxy({} as DockerHarness, {
    get: () => {
      throw new Error(`Docker tests are skipped: ${run.reason}`);
    },
  });
  describe.skip(`${name} [skipped: no Docker engine (${run.reason})]`, () => body(unusable));
}
