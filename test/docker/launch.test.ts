import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorMessage } from '../e2e/auth-world.ts';
import {
  dbPassword,
  examplePath,
  type LauncherWorld,
  launcherWorld,
  repoRoot,
} from '../e2e/launcher-world.ts';
import { cliEnv, cliPath, expectNoSecrets, logLines } from '../e2e/run-keyturn.ts';
import { tempDir } from '../e2e/vault-fixture.ts';
import { runLabel } from './container.ts';
import { describeDocker } from './docker-harness.ts';

/*
 * `keyturn launch` against the real engine: the built CLI on the host talks to the Docker
 * Engine API (dockerode, no docker CLI), the container runs the built keyturn as its preStart
 * against the in-process test server over the host network. What the tests read about the
 * containers comes from the engine (`docker inspect`, `docker logs`, `docker exec`).
 */

/** One launch with --wait on a loaded 2-core machine takes 15–40 s (node starts, healthcheck). */
const LAUNCH_TIMEOUT_MS = 90_000;

interface Inspected {
  Id: string;
  Name: string;
  Args: string[];
  Config: { Env: string[]; Labels: Record<string, string>; Cmd: string[] | null };
  State: { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } };
}

describeDocker('keyturn launch in a real Docker engine', (docker) => {
  let image = '';
  let world: LauncherWorld;
  const names: string[] = [];
  /** A container name for this test run: `ciside-<what>-<random>` (the engine is shared). */
  const nameFor = (what: string) => {
    const name = `ciside-${what}-${randomBytes(4).toString('hex')}`;
    names.push(name);
    return name;
  };

  beforeAll(async () => {
    cliEnv(); // throws when dist/keyturn.mjs is not built
    image = await docker.build({
      name: 'ciside-launch-app',
      context: repoRoot,
      dockerfile: join(repoRoot, 'test/docker/images/launch-app.Dockerfile'),
      buildArgs: { BASE: docker.images.node24 },
    });
    world = await launcherWorld();
  });
  afterAll(async () => {
    const ids = await docker.cli.text([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=${runLabel}=${docker.runKey}`,
    ]);
    const mine = (await Promise.all(ids.split('\n').filter(Boolean).map(inspect))).filter((c) =>
      names.includes(c.Name.slice(1)),
    );
    if (mine.length > 0)
      await docker.cli.run(['rm', '--force', '--volumes', ...mine.map((c) => c.Id)]);
    await world?.[Symbol.asyncDispose]();
  });

  async function inspect(id: string): Promise<Inspected> {
    const [found] = JSON.parse(await docker.cli.text(['inspect', id])) as Inspected[];
    if (!found) throw new Error(`no container ${id}`);
    return found;
  }

  /** Containers of this run whose name contains `name`. */
  async function containersNamed(name: string): Promise<Inspected[]> {
    const ids = await docker.cli.text([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=${runLabel}=${docker.runKey}`,
      '--filter',
      `name=${name}`,
    ]);
    return Promise.all(ids.split('\n').filter(Boolean).map(inspect));
  }

  /** `keyturn launch --role app --image <test image> --network host ...` with the CI token. */
  const launch = (args: string[], env: Record<string, string> = {}, from = image) =>
    world.keyturn(
      [
        'launch',
        '--role',
        'app',
        '--image',
        from,
        '--network',
        'host',
        '--tmpfs',
        '/run/secrets:uid=1000,gid=1000,mode=0700',
        '--label',
        `${runLabel}=${docker.runKey}`,
        ...args,
      ],
      { VAULT_TOKEN: world.ciToken, DOCKER_HOST: docker.cli.host, ...env },
      { timeoutMs: LAUNCH_TIMEOUT_MS - 5_000 },
    );

  const envOf = (c: Inspected) =>
    Object.fromEntries(
      c.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );

  it(
    'starts a container that unwraps its secret ID and writes its file; the token is only in Env, and already spent',
    async () => {
      const name = nameFor('launch');
      const before = world.vault.requests.length;
      const result = await launch([
        '--name',
        name,
        '--env',
        'APP_MODE=test',
        '--label',
        'team=ci',
        '--metadata',
        'job=docker-e2e',
        '--wait',
        '--wait-timeout',
        '40s',
      ]);

      expect(result.code, result.stderr).toBe(0);
      const id = result.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const container = await inspect(id);
      expect(container.Name).toBe(`/${name}`);
      expect(container.State.Health?.Status).toBe('healthy');
      const env = envOf(container);
      const token = env.VAULT_SECRET_ID ?? '';
      expect(env).toMatchObject({
        VAULT_ADDR: world.vault.addr.replace(/\/$/, ''),
        VAULT_ROLE_ID: world.app.roleId,
        APP_MODE: 'test',
      });
      expect(token).toMatch(/^hvs\./);
      const issued = world.vault.requests
        .slice(before)
        .find((r) => r.path === 'auth/approle/role/app/secret-id');
      expect(issued?.wrapTtl).toBe('120s');
      expect(container.Config.Labels).toMatchObject({
        team: 'ci',
        'keyturn.role': 'app',
        'keyturn.secret-id-accessor': expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      // The wrapping token is in the environment only: no label, no argv.
      expect(JSON.stringify(container.Config.Labels)).not.toContain(token);
      expect(JSON.stringify([container.Args, container.Config.Cmd])).not.toContain(token);
      const file = await docker.cli.run(['exec', id, 'cat', '/run/secrets/db.json'], {
        check: false,
      });
      expect(JSON.parse(file.stdout)).toEqual({ password: dbPassword });

      // What `docker inspect` shows is already spent: unwrapping it again is refused...
      expect((await world.unwrap(token)).status).toBe(400);
      // ...and a container started by hand with it exits 77 ("possible interception").
      const replay = await docker.run({
        image,
        network: 'host',
        tmpfs: ['/run/secrets:uid=1000,gid=1000,mode=0700'],
        env: {
          VAULT_ADDR: world.vault.addr,
          VAULT_ROLE_ID: world.app.roleId,
          VAULT_SECRET_ID: token,
        },
        command: ['true'],
      });
      expect(replay.exitCode, replay.stderr).toBe(77);
      expect(replay.stderr).toContain('possible interception');
      expect(replay.stderr).not.toContain(token);
      const logs = await docker.cli.run(['logs', id]);
      expectNoSecrets(
        { code: 0, signal: null, stdout: logs.stdout, stderr: logs.stderr },
        { token, dbPassword },
      );
      expectNoSecrets(
        { ...result, stdout: '' },
        { token, ciToken: world.ciToken, roleId: world.app.roleId },
      );
    },
    LAUNCH_TIMEOUT_MS,
  );

  it(
    "--wait reports a failing container's 77 and its last log lines, the wrapping token redacted",
    async () => {
      const name = nameFor('fails');
      // A secret ID bound to a CIDR the container is not in: its keyturn's login is refused (77).
      const result = await launch([
        '--name',
        name,
        '--cidr',
        '10.99.0.0/16',
        '--env',
        'LEAKY=1',
        '--wait',
      ]);

      expect(result.code, result.stderr).toBe(77);
      expect(result.stdout).toBe('');
      const [container] = await containersNamed(name);
      const token = container ? (envOf(container).VAULT_SECRET_ID ?? '') : '';
      expect(container?.State.ExitCode).toBe(77);
      expect(errorMessage(result)).toContain('the container stopped (exited) with exit code 77');
      const report = logLines(result).find((line) => Array.isArray(line.logs));
      const reported = ((report?.logs ?? []) as string[]).join('\n');
      expect(reported).toContain('debug: VAULT_SECRET_ID=[REDACTED]');
      expect(reported).toMatch(/CIDR|invalid role or secret ID|secret ID/);
      expectNoSecrets(result, { token, ciToken: world.ciToken, roleId: world.app.roleId });
    },
    LAUNCH_TIMEOUT_MS,
  );

  it(
    '--replace starts the new container, waits for it, and leaves exactly one; a replacement that fails leaves the old one in place',
    async () => {
      const name = nameFor('replace');
      const first = await launch(['--name', name, '--wait']);
      expect(first.code, first.stderr).toBe(0);
      const oldId = first.stdout.trim();

      const second = await launch(['--replace', name]);
      expect(second.code, second.stderr).toBe(0);
      const newId = second.stdout.trim();
      expect(newId).not.toBe(oldId);
      const left = await containersNamed(name);
      expect(left.map((c) => [c.Id, c.Name, c.State.Health?.Status])).toEqual([
        [newId, `/${name}`, 'healthy'],
      ]);

      const failing = await launch(['--replace', name, '--cidr', '10.99.0.0/16']);
      expect(failing.code, failing.stderr).toBe(77);
      const still = await containersNamed(name);
      expect(still.map((c) => [c.Id, c.Name, c.State.Running])).toEqual([
        [newId, `/${name}`, true],
      ]);

      const stopFirst = await launch(['--replace', name, '--stop-first', '--wait']);
      expect(stopFirst.code, stopFirst.stderr).toBe(0);
      const last = await containersNamed(name);
      expect(last.map((c) => c.Id)).toEqual([stopFirst.stdout.trim()]);
    },
    LAUNCH_TIMEOUT_MS * 4,
  );

  it(
    'without a HEALTHCHECK, --wait is satisfied by a container still running after --wait-timeout; one that exits first fails with its own code',
    async () => {
      const running = await launch(
        ['--name', nameFor('plain'), '--cmd', 'sleep 120', '--wait', '--wait-timeout', '3s'],
        {},
        docker.images.node24,
      );
      expect(running.code, running.stderr).toBe(0);
      expect((await inspect(running.stdout.trim())).State.Running).toBe(true);
      expect(running.stderr).toContain('"state":"running"');

      const exits = await launch(
        ['--name', nameFor('exits'), '--cmd', '["sh", "-c", "echo leaving now; exit 3"]', '--wait'],
        {},
        docker.images.node24,
      );
      expect(exits.code, exits.stderr).toBe(3);
      expect(errorMessage(exits)).toContain('exit code 3');
      expect(exits.stderr).toContain('leaving now');
    },
    LAUNCH_TIMEOUT_MS,
  );

  it('the Docker engine unreachable: 69 before any secret ID is issued', async () => {
    const before = world.vault.requests.length;
    const result = await launch(['--name', nameFor('nodocker')], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(result.code).toBe(69);
    expect(errorMessage(result)).toContain(
      'cannot reach the Docker engine at unix:///nonexistent/docker.sock',
    );
    expect(world.vault.requests.slice(before)).toEqual([]);
  });

  it.each([
    ['github-actions.yml', 'the job OIDC token (--config examples/ci/keyturn-ci.yaml)'],
    ['Jenkinsfile', 'a token file (--token-file)'],
  ])(
    'the launch line of %s runs as written, with %s',
    async (example) => {
      const text = await readFile(examplePath(example), 'utf8');
      const line =
        example === 'Jenkinsfile'
          ? /\bsh '(keyturn launch[^']*)'/.exec(text)?.[1]
          : (parse(text).jobs.deploy.steps as { run?: string }[])
              .map((s) => s.run ?? '')
              .find((run) => run.includes('keyturn launch'));
      expect(line).toBeDefined();
      const name = nameFor('example');
      // For the shared test engine: the test image and a ciside- name; host network to reach
      // the test server on 127.0.0.1; the run's label so teardown finds it.
      const adapted = (line ?? '')
        .replace(/--image "[^"]*"/, `--image ${image}`)
        .replaceAll(/--(name|replace) app\b/g, `--$1 ${name}`)
        .concat(` --network host --label ${runLabel}=${docker.runKey}`)
        .concat(
          ' --tmpfs /run/secrets:uid=1000,gid=1000,mode=0700'.repeat(
            line?.includes('--tmpfs') ? 0 : 1,
          ),
        );
      await using bin = await tempDir();
      const shim = join(bin.path, 'keyturn');
      await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
      await chmod(shim, 0o755);
      const tokenFile = join(bin.path, 'vault-token');
      await writeFile(tokenFile, world.ciToken);
      const jwt = world.jwt();
      const result = await runShell(adapted, {
        PATH: `${bin.path}:${process.env.PATH}`,
        HOME: bin.path,
        VAULT_ADDR: world.vault.addr,
        DOCKER_HOST: docker.cli.host,
        CI_JOB_JWT: jwt,
        GITHUB_SHA: 'abc123',
        GITHUB_RUN_ID: '99',
        VAULT_TOKEN_FILE: tokenFile,
        GIT_COMMIT: 'abc123',
        BUILD_TAG: 'jenkins-app-7',
      });
      expect(result.code, `${adapted}\n${result.stderr}`).toBe(0);
      const [container] = await containersNamed(name);
      expect(container?.Id).toBe(result.stdout.trim());
      expect(container?.State.Health?.Status).toBe('healthy');
      expectNoSecrets({ ...result, stdout: '' }, { jwt, ciToken: world.ciToken });
    },
    LAUNCH_TIMEOUT_MS,
  );
});

async function runShell(script: string, env: Record<string, string>) {
  const { spawn } = await import('node:child_process');
  return new Promise<{ code: number | null; signal: null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn('sh', ['-c', script], { cwd: repoRoot, env, timeout: LAUNCH_TIMEOUT_MS });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => {
        stdout += c;
      });
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, signal: null, stdout, stderr }));
    },
  );
}
