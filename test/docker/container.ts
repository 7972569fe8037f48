import type { DockerCli, DockerResult } from './docker-cli.ts';
import { pollUntil } from './engine/poll-until.ts';

/** What `docker create` gets; every container is labelled with its test run. */
export interface ContainerSpec {
  image: string;
  /** Replaces the image's CMD. */
  command?: string[];
  /** Replaces the image's ENTRYPOINT: the first word, the rest go before `command`. */
  entrypoint?: string[];
  env?: Record<string, string>;
  /** `host`, `none`, `container:<id>` or a network's name; default: the engine's default. */
  network?: string;
  user?: string;
  /** `--init`: docker-init (tini) as PID 1, forwarding signals to the command. */
  init?: boolean;
  /** `--tmpfs` mounts, e.g. `/run/secrets:uid=1000,gid=1000,mode=0700`. */
  tmpfs?: string[];
  /** Any other `docker create` flags. */
  flags?: string[];
}

/** The label that ties containers and images to the test run that made them. */
export const runLabel = 'keyturn.test.run';

function createArgs(spec: ContainerSpec, runKey: string): string[] {
  const args = ['create', '--label', `${runLabel}=${runKey}`];
  if (spec.entrypoint) args.push('--entrypoint', spec.entrypoint[0] ?? '');
  for (const [name, value] of Object.entries(spec.env ?? {}))
    args.push('--env', `${name}=${value}`);
  if (spec.network) args.push('--network', spec.network);
  if (spec.user) args.push('--user', spec.user);
  if (spec.init) args.push('--init');
  for (const mount of spec.tmpfs ?? []) args.push('--tmpfs', mount);
  args.push(...(spec.flags ?? []), spec.image);
  args.push(...(spec.entrypoint?.slice(1) ?? []), ...(spec.command ?? []));
  return args;
}

/** The parts of `docker inspect` the tests read. */
export interface ContainerState {
  Id: string;
  State: {
    Status: string;
    Running: boolean;
    ExitCode: number;
    Health?: { Status: string; Log: { ExitCode: number; Output: string }[] };
  };
}

/** A created container; `await using` removes it (and its anonymous volumes). */
export class Container implements AsyncDisposable {
  readonly cli: DockerCli;
  readonly id: string;

  constructor(cli: DockerCli, id: string) {
    this.cli = cli;
    this.id = id;
  }

  /** Creates a container (without starting it). Warnings of `docker create` stay out of its output. */
  static async create(cli: DockerCli, spec: ContainerSpec, runKey: string): Promise<Container> {
    return new Container(cli, await cli.text(createArgs(spec, runKey)));
  }

  async start(): Promise<this> {
    await this.cli.run(['start', this.id]);
    return this;
  }

  /** Starts it attached: resolves with its exit code and exactly its stdout and stderr. */
  attach(timeoutMs = 60_000): Promise<DockerResult> {
    return this.cli.run(['start', '--attach', this.id], { check: false, timeoutMs });
  }

  /** `docker exec`; never throws on the command's exit code. */
  exec(command: string[], options: { user?: string } = {}): Promise<DockerResult> {
    const user = options.user ? ['--user', options.user] : [];
    return this.cli.run(['exec', ...user, this.id, ...command], { check: false });
  }

  async inspect(): Promise<ContainerState> {
    const [state] = JSON.parse(await this.cli.text(['inspect', this.id])) as ContainerState[];
    if (!state) throw new Error(`docker inspect ${this.id} returned nothing`);
    return state;
  }

  async logs(): Promise<{ stdout: string; stderr: string }> {
    const { stdout, stderr } = await this.cli.run(['logs', this.id]);
    return { stdout, stderr };
  }

  /**
   * Follows the logs (stdout and stderr) until `pattern` matches; fails when the container
   * stops first, or at the deadline, with what it printed.
   */
  async waitForLog(pattern: RegExp, deadlineMs = 30_000): Promise<RegExpMatchArray> {
    const follow = this.cli.spawn(['logs', '--follow', this.id]);
    let seen = '';
    const matched = new Promise<RegExpMatchArray>((resolve) => {
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        const match = seen.match(pattern);
        if (match) resolve(match);
      };
      follow.stdout?.on('data', onData);
      follow.stderr?.on('data', onData);
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const outcome = await Promise.race([matched, follow.then(() => 'ended' as const), deadline]);
    clearTimeout(timer);
    follow.kill();
    if (typeof outcome !== 'string') return outcome;
    const why = outcome === 'deadline' ? `not within ${deadlineMs} ms` : 'the container stopped';
    const { State } = await this.inspect();
    throw new Error(
      `${pattern} did not appear in the logs of ${this.id.slice(0, 12)} (${why}; ` +
        `status ${State.Status}, exit code ${State.ExitCode}):\n${seen}`,
    );
  }

  /** Waits for its HEALTHCHECK to report healthy; fails on unhealthy or a stopped container. */
  async waitForHealthy(deadlineMs = 30_000): Promise<void> {
    await pollUntil(
      async () => {
        const { State } = await this.inspect();
        const health = State.Health?.Status;
        if (!health) throw new Error(`${this.id.slice(0, 12)} has no HEALTHCHECK`);
        if (health === 'healthy') return true;
        if (health === 'unhealthy' || !State.Running) {
          const last = State.Health?.Log.at(-1)?.Output ?? '';
          throw new Error(`${this.id.slice(0, 12)} is ${health} (${State.Status}): ${last}`);
        }
        return undefined;
      },
      { deadlineMs, what: `${this.id.slice(0, 12)} to become healthy` },
    );
  }

  /** `docker stop -t timeoutS`: how long it took and the exit code it left. */
  async stop(timeoutS = 10): Promise<{ elapsedMs: number; exitCode: number }> {
    const started = performance.now();
    await this.cli.run(['stop', '--time', String(timeoutS), this.id], {
      timeoutMs: (timeoutS + 30) * 1000,
    });
    const elapsedMs = performance.now() - started;
    return { elapsedMs, exitCode: (await this.inspect()).State.ExitCode };
  }

  async remove(): Promise<void> {
    await this.cli.run(['rm', '--force', '--volumes', this.id], { check: false });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }
}
