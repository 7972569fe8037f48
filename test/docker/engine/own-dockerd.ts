import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { daemonPath } from './find-engine.ts';
import { pingEngine } from './ping-engine.ts';
import { pollUntil } from './poll-until.ts';
import { commandLine, keyIsAlive, pidIsAlive } from './process-key.ts';

/*
 * A dockerd of the test harness's own, for machines where none runs (CI, a fresh developer
 * machine). Everything lives under one short directory (unix socket paths max ~107 bytes):
 *   data/        --data-root: images persist here between runs, so base images stay cached
 *   x/           --exec-root: containerd state and sockets, netns files
 *   docker.sock  the API socket; dockerd.pid, dockerd.log, daemon.json (empty: a machine's
 *                /etc/docker/daemon.json must not change it)
 *   users/       one file per test run using it (named by process key: pid + start time)
 *   lock         proper-lockfile's lock around starting, adopting and stopping
 * Runs share the one dockerd (the last one out stops it). A run that crashed leaves its user
 * file behind with a dead key: the next run finds dockerd still answering, adopts it, and
 * stops it at its end; a dockerd that no longer answers is killed and a new one started.
 *
 * Networking — why these flags. A default dockerd takes the host-wide name `docker0`,
 * installs host-wide iptables chains (DOCKER, DOCKER-USER, DOCKER-ISOLATION-*, a MASQUERADE
 * rule), flips net.ipv4.ip_forward to 1, and leaves all of that behind when it stops (seen
 * here: iptables 1.8.9 nf_tables backend, kernel 6.x; both the nft and legacy backends
 * work, so the backend is not the problem). Two such daemons (ours and a system one, or two
 * of ours) flush and rewrite the same chains and fight over docker0. So ours runs with
 *   --bridge=none        no default bridge: `docker run` without --network gets only `lo`
 *   --iptables=false --ip6tables=false --ip-forward=false   no host-wide firewall/sysctl changes
 * What still works, checked here: `--network host`; `--network container:<id>` (shared
 * netns, like a pod); user-defined bridge networks (`docker network create`, compose's
 * default network): each gets its own br-<id> bridge and a subnet that does not overlap a
 * route already on the host (a second daemon picked 172.18/16 beside the first's 172.17/16),
 * containers on one reach each other by name (the embedded DNS sets its rules inside the
 * container's own netns), and `-p 127.0.0.1::PORT` publishes through docker-proxy. What
 * does not: traffic leaving the host from a bridge (no NAT) — not needed, nothing is pulled.
 */

export interface DockerdPaths {
  root: string;
  dataRoot: string;
  execRoot: string;
  socket: string;
  pidFile: string;
  log: string;
  config: string;
  users: string;
}

/** The harness dockerd's directory: `$TMPDIR/keyturn-dockerd`, or /tmp if that is too long. */
export function dockerdPaths(): DockerdPaths {
  const base = tmpdir().length <= 40 ? tmpdir() : '/tmp';
  const root = join(base, 'keyturn-dockerd');
  return {
    root,
    dataRoot: join(root, 'data'),
    execRoot: join(root, 'x'),
    socket: join(root, 'docker.sock'),
    pidFile: join(root, 'dockerd.pid'),
    log: join(root, 'dockerd.log'),
    config: join(root, 'daemon.json'),
    users: join(root, 'users'),
  };
}

function dockerdArgs(p: DockerdPaths): string[] {
  return [
    `--data-root=${p.dataRoot}`,
    `--exec-root=${p.execRoot}`,
    `--pidfile=${p.pidFile}`,
    `--host=unix://${p.socket}`,
    `--config-file=${p.config}`,
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
    '--ip-forward=false',
  ];
}

/** The pid of the dockerd running on these paths, if one does. */
function runningDockerd(p: DockerdPaths): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(p.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!pidIsAlive(pid)) return undefined;
  // A recycled pid belongs to someone else: then the pid file is stale, and dockerd refuses
  // to start while it names a live process.
  if (commandLine(pid).includes(`--data-root=${p.dataRoot}`)) return pid;
  void rm(p.pidFile, { force: true });
  return undefined;
}

async function logTail(p: DockerdPaths): Promise<string> {
  const text = await readFile(p.log, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-12).join('\n');
}

async function startDockerd(p: DockerdPaths): Promise<void> {
  await mkdir(p.users, { recursive: true });
  await writeFile(p.config, '{}\n');
  const log = openSync(p.log, 'w');
  // Detached: a Ctrl-C on the test run must not kill it before teardown removes containers.
  const child = spawn('dockerd', dockerdArgs(p), {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, PATH: daemonPath() },
  });
  closeSync(log);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `dockerd exited (${signal ?? code})`;
  });
  child.on('error', (error) => {
    exited = `dockerd did not start: ${error.message}`;
  });
  child.unref();
  const host = `unix://${p.socket}`;
  try {
    await pollUntil(async () => (exited ? true : (await pingEngine(host)) ? undefined : true), {
      deadlineMs: 60_000,
      what: `dockerd to answer on ${p.socket}`,
    });
  } catch (error) {
    // One that never answered must not linger and hold the pid file for the next run.
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${await logTail(p)}`);
  }
  if (exited) throw new Error(`${exited}:\n${await logTail(p)}`);
}

/** SIGTERM (dockerd stops its containers and its containerd), SIGKILL if it hangs. */
async function stopDockerd(pid: number): Promise<void> {
  const gone = () => (pidIsAlive(pid) ? undefined : true);
  try {
    process.kill(pid, 'SIGTERM');
    await pollUntil(gone, { deadlineMs: 40_000, what: `dockerd ${pid} to stop` });
  } catch {
    if (pidIsAlive(pid)) process.kill(pid, 'SIGKILL');
    await pollUntil(gone, { deadlineMs: 10_000, what: `dockerd ${pid} to die` });
  }
}

async function liveUsers(p: DockerdPaths): Promise<string[]> {
  const names = await readdir(p.users).catch(() => [] as string[]);
  const dead = names.filter((key) => !keyIsAlive(key));
  await Promise.all(dead.map((key) => rm(join(p.users, key), { force: true })));
  return names.filter((key) => !dead.includes(key));
}

async function withLock<T>(p: DockerdPaths, body: () => Promise<T>): Promise<T> {
  await mkdir(p.users, { recursive: true });
  const release = await lock(p.root, {
    lockfilePath: join(p.root, 'lock'),
    retries: { retries: 600, minTimeout: 100, maxTimeout: 200 },
  });
  try {
    return await body();
  } finally {
    await release();
  }
}

/**
 * Uses the harness dockerd for the run named `runKey`, starting it when none answers.
 * Returns its DOCKER_HOST and whether this call started it.
 */
export function acquireOwnDockerd(runKey: string): Promise<{ host: string; started: boolean }> {
  const p = dockerdPaths();
  return withLock(p, async () => {
    const host = `unix://${p.socket}`;
    const pid = runningDockerd(p);
    let started = false;
    if (pid === undefined || (await pingEngine(host)) !== undefined) {
      if (pid !== undefined) await stopDockerd(pid);
      await startDockerd(p);
      started = true;
    }
    await writeFile(join(p.users, runKey), '');
    return { host, started };
  });
}

/** Ends the run's use of the harness dockerd; the last live user stops it. */
export function releaseOwnDockerd(runKey: string): Promise<{ stopped: boolean }> {
  const p = dockerdPaths();
  return withLock(p, async () => {
    await rm(join(p.users, runKey), { force: true });
    if ((await liveUsers(p)).length > 0) return { stopped: false };
    const pid = runningDockerd(p);
    if (pid !== undefined) await stopDockerd(pid);
    return { stopped: pid !== undefined };
  });
}
