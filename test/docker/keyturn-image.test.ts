import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { cliEnv, expectNoSecrets } from '../e2e/run-keyturn.ts';
import { setupApp, startVaultServer, type VaultServer } from '../e2e/vault-fixture.ts';
import type { ContainerSpec } from './container.ts';
import { describeDocker } from './docker-harness.ts';
import { RemoteVault } from './remote-vault.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const db = { username: 'app-db-user', password: 'docker-db-pass-0123' };
const api = { key: 'docker-api-key-4567' };

/** What the image's baked config (examples/compose/keyturn.yaml) and the --secret flag read. */
async function writeSecrets(vault: Pick<VaultServer, 'write'>): Promise<void> {
  await vault.write('secret/data/app/db', { data: db });
  await vault.write('secret/data/app/api', { data: api });
}
const secretsTmpfs = '/run/secrets:uid=1000,gid=1000,mode=0700';
// The image's own entrypoint, plus one --secret flag (the baked config stays in force).
const prestartThenExec =
  'keyturn prestart --secret secret/app/db=/run/secrets/db.json && exec "$@"';

describeDocker('the repo Dockerfile, built on the local node 24 base', (docker) => {
  let image = '';

  beforeAll(async () => {
    cliEnv(); // throws when dist/keyturn.mjs is not built
    image = await docker.build({
      name: 'keyturn',
      context: repoRoot,
      buildArgs: { BASE: docker.images.node24 },
    });
  });

  /** keyturn's prestart with the secret ID, then `command` as the application. */
  const prestart = (vault: { addr: string }, roleId: string, secretId: string) =>
    ({
      image,
      network: 'host', // the server listens on the host's 127.0.0.1
      tmpfs: [secretsTmpfs],
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId },
      entrypoint: ['sh', '-c', prestartThenExec, '--'],
    }) satisfies ContainerSpec;

  it('runs keyturn --version', async () => {
    const result = await docker.run({ image, entrypoint: ['keyturn'], command: ['--version'] });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('0.1.0');
  });

  it('prestart against the in-process server writes the file as node (1000), 0400; a spent secret ID exits 77; docker stop of sh as PID 1 waits for SIGKILL, with --init it does not', async () => {
    await using vault = await startVaultServer();
    const app = await setupApp(vault);
    await writeSecrets(vault);
    const wrapped = await app.wrappedSecretId();
    const asApp = {
      ...prestart(vault, app.roleId, wrapped),
      command: ['sh', '-c', 'echo ready; sleep 3600 & wait'],
    };

    await using plain = await docker.start(asApp);
    await plain.waitForLog(/^ready$/m);

    const file = await plain.exec(['stat', '-c', '%a %U:%G %u:%g', '/run/secrets/db.json']);
    expect(file.stdout.trim()).toBe('400 node:node 1000:1000');
    const content = await plain.exec(['cat', '/run/secrets/db.json']);
    expect(JSON.parse(content.stdout)).toEqual(db);
    const logs = await plain.logs();
    expectNoSecrets({ ...logs, code: 0, signal: null }, { ...db, ...api, wrapped });

    // The same wrapped secret ID again: unwrapping fails, keyturn refuses (77), no app runs.
    const spent = await docker.run(asApp);
    expect(spent.exitCode, spent.stderr).toBe(77);
    expect(spent.stdout).not.toContain('ready');
    expectNoSecrets({ ...spent, code: spent.exitCode, signal: null }, { wrapped });

    // PID 1 is the application's `sh -c`: it ignores SIGTERM, so `docker stop` waits 10 s.
    expect((await plain.exec(['cat', '/proc/1/comm'])).stdout.trim()).toBe('sh');
    const slow = await plain.stop();
    await using withInit = await docker.start({
      ...prestart(vault, app.roleId, await app.wrappedSecretId()),
      command: asApp.command,
      init: true,
    });
    await withInit.waitForLog(/^ready$/m);
    expect((await withInit.exec(['cat', '/proc/1/comm'])).stdout.trim()).toBe('docker-init');
    const fast = await withInit.stop();
    console.log(
      `docker stop: sh as PID 1 took ${(slow.elapsedMs / 1000).toFixed(1)} s (exit ${slow.exitCode}); ` +
        `with --init ${(fast.elapsedMs / 1000).toFixed(1)} s (exit ${fast.exitCode})`,
    );
    expect(slow.exitCode).toBe(137); // SIGKILL after the timeout
    expect(fast.exitCode).toBe(143); // SIGTERM, forwarded by docker-init
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
    // setupApp uses only request/write/read, which RemoteVault has.
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
});
