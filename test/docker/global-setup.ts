import type { TestProject } from 'vitest/node';
import { DockerCli } from './docker-cli.ts';
import type { DockerRun } from './docker-harness.ts';
import { findEngine } from './engine/find-engine.ts';
import { acquireOwnDockerd, releaseOwnDockerd } from './engine/own-dockerd.ts';
import { processKey } from './engine/process-key.ts';
import { removeDeadRuns, removeRunResources } from './engine/run-resources.ts';
import type { BuiltImage } from './images/base-images.ts';
import { ensureBaseImages } from './images/base-images.ts';
import { ensureVaultServerImage } from './images/vault-server-image.ts';

/*
 * vitest globalSetup of the `docker` project: vitest runs it only when a test file of that
 * project is in the run, once, before those files, in the main process. It finds or starts
 * an engine, cleans up after crashed runs, builds the base images, and at the end removes
 * what this run created and stops the dockerd it started (when no other run still uses it).
 *
 * KEYTURN_DOCKER_TESTS: `require` (set by .ci/run) turns "no engine" into a failure;
 * `off` skips the Docker tests on purpose. Either way a skip is printed, never silent.
 */

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const describeBuilt = (name: string, image: BuiltImage) =>
  `${name} ${image.tag} (${image.builtMs === undefined ? 'cached' : `built in ${seconds(image.builtMs)}`})`;

function banner(line: string): void {
  const rule = '='.repeat(Math.min(100, line.length));
  console.log(`\n${rule}\n${line}\n${rule}\n`);
}

function skip(project: TestProject, reason: string): () => void {
  if (process.env.KEYTURN_DOCKER_TESTS === 'require')
    throw new Error(`Docker tests are required (KEYTURN_DOCKER_TESTS=require), but: ${reason}`);
  const line = `DOCKER TESTS skipped: no Docker engine (${reason})`;
  banner(line);
  project.provide('keyturnDocker', { status: 'skipped', reason } satisfies DockerRun);
  // Again at the end, next to the summary, where it is seen.
  return () => banner(line);
}

type Engine = { host: string; origin: string; own: boolean } | { skipped: string };

/** The engine this run uses: one that answers, or the harness dockerd (started or adopted). */
async function openEngine(runKey: string): Promise<Engine> {
  const choice = await findEngine();
  if (choice.kind === 'none') return { skipped: choice.reason };
  if (choice.kind === 'found') return { host: choice.host, origin: choice.origin, own: false };
  try {
    const { host, started } = await acquireOwnDockerd(runKey);
    return { host, origin: `harness dockerd (${started ? 'started' : 'adopted'})`, own: true };
  } catch (error) {
    return { skipped: `${choice.why}; starting dockerd failed: ${(error as Error).message}` };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void> | void> {
  const started = performance.now();
  const runKey = processKey();
  if (!runKey) throw new Error('cannot read /proc/self/stat: Docker tests need Linux');
  const engine = await openEngine(runKey);
  if ('skipped' in engine) return skip(project, engine.skipped);
  const cli = new DockerCli(engine.host);
  const teardown = async () => {
    await removeRunResources(cli, (key) => key === runKey);
    if (!engine.own) return;
    const { stopped } = await releaseOwnDockerd(runKey);
    console.log(
      `docker: harness dockerd ${stopped ? 'stopped' : 'left to the runs still using it'}`,
    );
  };
  try {
    await removeDeadRuns(cli);
    const base = await ensureBaseImages(cli);
    const vault = await ensureVaultServerImage(cli, base.images.node24);
    const images = { ...base.images, vaultServer: vault.tag };
    const run: DockerRun = { status: 'ready', host: engine.host, runKey, images };
    project.provide('keyturnDocker', run);
    console.log(
      `docker: ${engine.origin} at ${engine.host}; ${describeBuilt('base', base.built.node24)}, ` +
        `${describeBuilt('base', base.built.glibc)}, ${describeBuilt('server', vault)}; ` +
        `setup ${seconds(performance.now() - started)}`,
    );
    return teardown;
  } catch (error) {
    // vitest calls no teardown for a setup that threw: undo what was done here.
    await teardown();
    throw error;
  }
}
