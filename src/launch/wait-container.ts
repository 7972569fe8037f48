import type Dockerode from 'dockerode';
import { sleep } from '../timing/sleep.ts';
import { lastLogLines } from './container-logs.ts';
import { ContainerFailedError } from './launch-errors.ts';

export interface WaitOptions {
  timeoutMs: number;
  signal: AbortSignal;
  now?: () => number;
  /** How often the state is read; the Engine API has no "wait until healthy". */
  pollMs?: number;
}

/**
 * `--wait`: the container is past its preStart when its HEALTHCHECK says healthy, or — with
 * no HEALTHCHECK — when it is still running after the timeout. A container that stops first
 * fails with its own exit code and its last log lines (redacted where they are printed).
 */
export async function waitForContainer(
  container: Dockerode.Container,
  options: WaitOptions,
): Promise<'healthy' | 'running' | 'exited 0'> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const { State } = await container.inspect();
    const health = State.Health?.Status;
    if (!State.Running && State.Status !== 'created') {
      if (State.ExitCode === 0 && State.Status === 'exited') return 'exited 0';
      throw await failure(
        container,
        State.ExitCode,
        `the container stopped (${State.Status}) with exit code ${State.ExitCode}`,
      );
    }
    if (health === 'healthy') return 'healthy';
    if (health === 'unhealthy') {
      const last = State.Health?.Log?.at(-1)?.Output?.trim() ?? '';
      throw await failure(
        container,
        1,
        `the container is unhealthy (its HEALTHCHECK failed${last ? `: ${last}` : ''})`,
      );
    }
    if (now() >= deadline) {
      if (health === undefined) return 'running';
      throw await failure(
        container,
        1,
        `the container was not healthy within ${options.timeoutMs / 1000}s (${health})`,
      );
    }
    await sleep(Math.min(options.pollMs ?? 250, Math.max(1, deadline - now())), options.signal);
  }
}

async function failure(container: Dockerode.Container, code: number, why: string) {
  const logs = await lastLogLines(container);
  return new ContainerFailedError(code, `${why}; its last ${logs.length} log lines follow`, {
    details: { container: container.id.slice(0, 12), containerExitCode: code, logs },
  });
}
