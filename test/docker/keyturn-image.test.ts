import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { expectNoSecrets } from '../e2e/run-keyturn.ts';
import { setupApp, startVaultServer, type VaultServer } from '../e2e/vault-fixture.ts';
import type { ContainerSpec } from './container.ts';
import { describeDocker } from './docker-harness.ts';
import { buildKeyturnImage, buildTimeoutMs } from './images/keyturn-image.ts';
import { RemoteVault } from './remote-vault.ts';

const db = { username: 'app-db-user', password: 'docker-db-pass-0123' };
const api = { key: 'docker-api-key-4567' };

async function writeSecrets(vault: Pick<VaultServer, 'write'>): Promise<void> {
  await vault.write('secret/data/app/db', { data: db });
  await vault.write('secret/data/app/api', { data: api });
}
const secretsTmpfs = '/run/secrets:uid=1000,gid=1000,mode=0700';
const prestartThenExec =
  'keyturn prestart --secret secret/app/db=/run/secrets/db.json && exec "$@"';

/** A host directory the container's user (1000) can read, removed with `await using`. */
async function configDir(yaml: string) {
  const path = await mkdtemp(join(tmpdir(), 'containers-config-'));
  await chmod(path, 0o755);
  await writeFile(join(path, 'keyturn.yaml'), yaml, { mode: 0o644 });
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

describeDocker('the repo Dockerfile, built from source on the local node 24 base', (docker) => {
  let image = '';

  beforeAll(async () => {
    image = await buildKeyturnImage(docker);
  }, buildTimeoutMs);

  const prestart = (vault: { addr: string }, roleId: string, secretId: string) =>
    ({
      image,
      network: 'host', // the server listens on the host's 127.0.0.1
      tmpfs: [secretsTmpfs],
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId },
      entrypoint: ['sh', '-c', prestartThenExec, '--'],
    }) satisfies ContainerSpec;

  it('runs keyturn as 1000 under tini, owns /run/secrets and /run/keyturn (0700), has a HEALTHCHECK', async () => {
    const version = await docker.run({ image, command: ['--version'] });
    expect(version.exitCode, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe('0.1.0');

    const layout = await docker.run({
      image,
      entrypoint: ['sh'],
      command: ['-c', 'id -u; stat -c "%a %u:%g %n" /run/secrets /run/keyturn; pwd'],
    });
    expect(layout.stdout.trim().split('\n')).toEqual([
      '1000',
      '700 1000:1000 /run/secrets',
      '700 1000:1000 /run/keyturn',
      '/etc/keyturn',
    ]);
    const config = JSON.parse(
      await docker.cli.text(['image', 'inspect', '--format', '{{json .Config}}', image]),
    );
    expect(config.Entrypoint).toEqual(['tini', '--', 'keyturn']);
    expect(config.Cmd).toEqual(['agent']);
    expect(config.Healthcheck.Test).toEqual(['CMD', 'keyturn', 'status']);
  });

  it('as built: agent with a mounted keyturn.yaml writes into the image’s /run/secrets, turns healthy, stops on SIGTERM at once (exit 0); a spent secret ID exits 77', async () => {
    await using vault = await startVaultServer();
    const app = await setupApp(vault);
    await writeSecrets(vault);
    await using dir = await configDir(
      'secrets:\n  - { path: secret/app/db, format: json, to: /run/secrets/db.json }\n',
    );
    const wrapped = await app.wrappedSecretId();
    const spec = {
      image,
      network: 'host',
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped },
      flags: [
        '--volume',
        `${dir.path}/keyturn.yaml:/etc/keyturn/keyturn.yaml:ro`,
        '--health-interval',
        '1s',
        '--health-start-period',
        '30s',
      ],
    } satisfies ContainerSpec;

    await using agent = await docker.start(spec);
    await agent.waitForHealthy();
    const file = await agent.exec(['stat', '-c', '%a %u:%g', '/run/secrets/db.json']);
    expect(file.stdout.trim()).toBe('400 1000:1000');
    expect((await agent.exec(['cat', '/proc/1/comm'])).stdout.trim()).toBe('tini');
    const stopped = await agent.stop();
    console.log(`docker stop of the image's agent: ${stopped.elapsedMs.toFixed(0)} ms`);
    expect(stopped.elapsedMs).toBeLessThan(2000);
    expect(stopped.exitCode).toBe(0);
    const logs = await agent.logs();
    expectNoSecrets({ ...logs, code: 0, signal: null }, { ...db, wrapped });

    const spent = await docker.run({ ...spec, command: ['prestart'] });
    expect(spent.exitCode, spent.stderr).toBe(77);
    expect(spent.stderr).toMatch(/interception|already|used/i);
    expectNoSecrets({ ...spent, code: spent.exitCode, signal: null }, { wrapped });
  });

  it('prestart against the server image (host network, port from the log)', async () => {
    await using server = await docker.start({
      image: docker.images.vaultServer,
      network: 'host',
      env: { VAULT_PORT: '0' },
    });
    const [, addr = '', token = ''] = await server.waitForLog(
      /VAULT_ADDR=(\S+)\nVAULT_TOKEN=(\S+)/,
    );
    const vault = new RemoteVault(addr, token);
    const app = await setupApp(vault as unknown as VaultServer);
    await writeSecrets(vault);
    const wrapped = await app.wrappedSecretId();

    const result = await docker.run({
      ...prestart(vault, app.roleId, wrapped),
      command: ['cat', '/run/secrets/db.json'],
    });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(db);
    expectNoSecrets(
      { stdout: '', stderr: result.stderr, code: 0, signal: null },
      { ...db, ...api, wrapped },
    );
  });

  it('is a source stage: COPY --from=keyturn /usr/local/bin/keyturn into another image', async () => {
    await using dir = await configDir('');
    await writeFile(
      join(dir.path, 'Dockerfile'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile ARGs, not JavaScript
      'ARG KEYTURN\nARG BASE\nFROM ${KEYTURN} AS keyturn\nFROM ${BASE}\n' +
        'COPY --from=keyturn /usr/local/bin/keyturn /usr/local/bin/keyturn\n',
    );
    const own = await docker.build({
      name: 'keyturn-source-stage',
      context: dir.path,
      buildArgs: { KEYTURN: image, BASE: docker.images.node24 },
    });

    const result = await docker.run({ image: own, command: ['keyturn', '--version'] });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('0.1.0');
  });
});
