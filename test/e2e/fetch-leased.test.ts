import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  errorLine,
  expectNoFetchSecrets,
  filesUnder,
  labelled,
  recordEngineSecrets,
  startFetchWorld,
} from './fetch-world.ts';
import { logLines } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

async function leasedWorld() {
  const world = await startFetchWorld(async (vault) => {
    await vault.write('kv/app/api', { key: 'leased-world-api-5151' });
  });
  const keys = recordEngineSecrets(world.vault, 'pki/', ['private_key']);
  const passwords = recordEngineSecrets(world.vault, 'database/', ['password']);
  return { ...world, keys, passwords };
}

const cert = (fields: string) => `certs:
  - { mount: pki, role: web, ${fields}, cert: out/tls/cert.pem, key: out/tls/key.pem, ca: out/tls/ca.pem }
`;

describe('keyturn prestart: dynamic secrets and certificates', () => {
  it('a dynamic secret is read from its path as is, and its lease is recorded and kept', async () => {
    await using world = await leasedWorld();
    const { vault, passwords } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `token: { sink: { path: out/token } }
secrets:
  - { path: database/creds/app, format: json, to: out/creds.json }
`,
    );
    expect(result.code, result.stderr).toBe(0);
    const creds = JSON.parse(await readFile(join(dir.path, 'out', 'creds.json'), 'utf8'));
    expect(vault.requests.filter((r) => r.path.startsWith('database/')).map((r) => r.path)).toEqual(
      ['database/creds/app'],
    );
    const fetched = logLines(result).find((l) => l.msg === 'fetched');
    expect(fetched).toMatchObject({ path: 'database/creds/app', lease: true });
    // The lease is alive, held by the token keyturn wrote, and nothing was revoked.
    const token = (await readFile(join(dir.path, 'out', 'token'), 'utf8')).trim();
    const leases = vault.core.leases.all().filter((l) => l.id.startsWith('database/creds/app/'));
    expect(leases).toHaveLength(1);
    expect(leases[0]?.tokenId).toBe(token);
    const engine = vault.core.mounts.find('database/')?.engine as unknown as {
      liveUsers(): string[];
    };
    expect(engine.liveUsers()).toEqual([creds.username]);
    expect(vault.requests.some((r) => /revoke/.test(r.path))).toBe(false);
    expectNoFetchSecrets(result, world, {
      ...labelled('password', passwords),
    });
  });

  it('key_type that differs from the role: exit 65 naming key_type, nothing written, no key printed', async () => {
    await using world = await leasedWorld();
    const { keys } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: kv/app/api, field: key, to: out/api }
${cert('common_name: app.service.consul, key_type: rsa')}`,
    );
    expect(result.code).toBe(65);
    const error = errorLine(result);
    expect(error.msg).toContain('pki/issue/web');
    expect(error.msg).toMatch(/issued a key of type ec, but key_type rsa is configured/);
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expect(keys.length).toBeGreaterThan(0); // a key did come back, and stayed unprinted
    expect(result.stdout + result.stderr).not.toContain('PRIVATE KEY');
    expectNoFetchSecrets(result, world, {
      api: 'leased-world-api-5151',
      ...labelled('key', keys),
    });
  });

  it('a common name the role refuses: exit 65 with Vault’s reason, nothing written', async () => {
    await using world = await leasedWorld();
    const { vault, keys } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: kv/app/api, field: key, to: out/api }
${cert('common_name: app.example.com')}`,
    );
    expect(result.code).toBe(65);
    const error = errorLine(result);
    expect(error.msg).toContain('pki/issue/web refused the request');
    expect(error.msg).toContain('common name app.example.com not allowed by this role');
    // A 400 is final: asked once, not retried.
    expect(vault.requests.filter((r) => r.path === 'pki/issue/web')).toHaveLength(1);
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expectNoFetchSecrets(result, world, {
      api: 'leased-world-api-5151',
      ...labelled('key', keys),
    });
  });
});
