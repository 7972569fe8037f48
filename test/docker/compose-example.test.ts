import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { expectNoSecrets } from '../e2e/run-keyturn.ts';
import { ComposeProject, overrides } from './compose-project.ts';
import { describeDocker } from './docker-harness.ts';
import { buildKeyturnImage, buildTimeoutMs } from './images/keyturn-image.ts';

const exampleFile = fileURLToPath(
  new URL('../../examples/compose/docker-compose.yml', import.meta.url),
);
// What examples/compose/vault-setup.mjs writes: the logs must never show them.
const secrets = { password: 'example-db-password', apiKey: 'example-api-key' };
const fileModes = ['700 1000:1000 /run/secrets', '400 1000:1000 /run/secrets/db.env'];
const statFiles = ['stat', '-c', '%a %u:%g %n', '/run/secrets', '/run/secrets/db.env'];
/** The renewer's renewal of the app's token, as the test server prints it (--log-requests). */
const renewal = /request: \w+ auth\/token\/renew-self → 200/;

describeDocker('examples/compose with docker-compose (local images swapped in)', (docker) => {
  let compose: ComposeProject;

  beforeAll(async () => {
    const keyturn = await buildKeyturnImage(docker);
    // 20 s tokens: the renewer renews 11-15 s after the login (shorter ones expired before a
    // prestart on a machine at load 20 had even started the renewer).
    compose = new ComposeProject(docker, {
      name: 'compose',
      file: exampleFile,
      override: overrides.compose,
      env: { KEYTURN_TEST_KEYTURN_IMAGE: keyturn, KEYTURN_TEST_TOKEN_TTL: '20s' },
    });
    return () => compose[Symbol.asyncDispose]();
  }, buildTimeoutMs);

  /** The launcher step: a fresh wrapped secret ID on stdout, nothing else. */
  async function launch(): Promise<string> {
    const { stdout, stderr } = await compose.run(['run', '--rm', '-T', 'launcher']);
    const secretId = stdout.trim();
    expect(secretId, stderr).toMatch(/^hvs\.\S+$/);
    return secretId;
  }

  it('comes up: files with the app user’s modes on a tmpfs, healthy, a renewal in the running container, docker stop under 2 s; restarting with the spent secret ID exits 77 saying why, the launcher step fixes it', async () => {
    const secretId = await launch();
    await compose.up(['app'], { VAULT_SECRET_ID: secretId });
    const app = await compose.container('app');
    const vault = await compose.container('vault');

    await app.waitForLog(/^app: running as 1000:1000, database user app, API key in \//m, 60_000);
    expect((await app.exec(statFiles)).stdout.trim().split('\n')).toEqual(fileModes);
    await app.waitForHealthy(60_000);
    await vault.waitForLog(renewal, 60_000);
    expect((await app.inspect()).State.Health?.Status).toBe('healthy');

    const stopped = await app.stop();
    console.log(`compose example: docker stop of the app took ${stopped.elapsedMs.toFixed(0)} ms`);
    expect(stopped.elapsedMs).toBeLessThan(2000);
    const logs = await app.logs();
    expectNoSecrets({ ...logs, code: 0, signal: null }, { ...secrets, secretId });

    // The same container again: its VAULT_SECRET_ID was spent at the first start.
    const restarted = await app.attach();
    expect(restarted.exitCode, restarted.stderr).toBe(77);
    expect(restarted.stderr).toMatch(/interception|already been used|used|expired/i);
    expect(restarted.stdout).not.toMatch(/^app: running/m);
    expectNoSecrets({ ...restarted, code: 77, signal: null }, { ...secrets, secretId });

    // The fix: the launcher step again; `up` re-creates the app with the new secret ID.
    await compose.up(['app'], { VAULT_SECRET_ID: await launch() });
    const again = await compose.container('app');
    expect(again.id).not.toBe(app.id);
    await again.waitForHealthy(60_000);
  }, 300_000);

  it('keyturn exec variant: the app gets the API key in its environment, the file beside it; healthy; docker stop under 2 s', async () => {
    const secretId = await launch();
    await compose.up(['app-exec'], { VAULT_SECRET_ID: secretId }, ['exec']);
    const app = await compose.container('app-exec', ['exec']);

    await app.waitForLog(
      /^app: running as 1000:1000, database user app, API key in the environment$/m,
      60_000,
    );
    expect((await app.exec(statFiles)).stdout.trim().split('\n')).toEqual(fileModes);
    await app.waitForHealthy(60_000);
    const stopped = await app.stop();
    expect(stopped.elapsedMs).toBeLessThan(2000);
    expectNoSecrets({ ...(await app.logs()), code: 0, signal: null }, { ...secrets, secretId });
  }, 300_000);

  it('sidecar variant: an agent writes into a shared in-memory volume the app (same user) reads', async () => {
    const secretId = await launch();
    await compose.up(['app-with-agent'], { VAULT_SECRET_ID: secretId }, ['sidecar']);
    const app = await compose.container('app-with-agent', ['sidecar']);

    await app.waitForLog(/^app: running as 1000:1000, database user app/m, 60_000);
    expect((await app.exec(statFiles)).stdout.trim().split('\n')).toEqual(fileModes);
    const agent = await compose.container('agent', ['sidecar']);
    expect((await agent.inspect()).State.Health?.Status).toBe('healthy');
    // Exit 0: the agent itself stopped on SIGTERM (SIGKILL after the timeout would be 137).
    const stopped = await agent.stop();
    expect(stopped.exitCode).toBe(0);
    expect(stopped.elapsedMs).toBeLessThan(5000);
    expectNoSecrets({ ...(await agent.logs()), code: 0, signal: null }, { ...secrets, secretId });
  }, 300_000);
});
