import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, runKeyturn } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

// Preloaded into keyturn: prints at exit which of Node's own modules the run loaded.
const probe = `process.on('exit', () => process.stderr.write('MODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'));\n`;

describe('keyturn prestart loads only what the one-shot path needs', () => {
  it('starts no child-process, metrics or lock machinery', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault);
    await vault.write('secret/data/app/db', { data: { password: 'lazy-password-1' } });
    const config = join(dir.path, 'keyturn.yaml');
    await writeFile(
      config,
      `state_dir: ${join(dir.path, 'state')}\nsecrets:\n  - { path: secret/app/db, format: json, to: out/db.json }\n`,
    );
    const secretId = await app.plainSecretId();
    const probeFile = join(dir.path, 'probe.mjs');
    await writeFile(probeFile, probe);

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: {
        VAULT_ADDR: vault.addr,
        VAULT_ROLE_ID: app.roleId,
        VAULT_SECRET_ID: secretId,
        NODE_OPTIONS: `--import=${probeFile}`,
      },
    });

    expect(result.code).toBe(0);
    const line = result.stderr.split('\n').find((l) => l.startsWith('MODULES '));
    const loaded: string[] = JSON.parse(line?.slice('MODULES '.length) ?? '[]');
    expect(loaded.length).toBeGreaterThan(0);
    // Node's own modules that only exec supervision, on_change commands, the daemon or
    // metrics need; a plain http:// prestart needs no TLS either.
    for (const module of ['child_process', 'cluster', 'tls', 'https', 'http2', 'dgram']) {
      expect(loaded, module).not.toContain(`NativeModule ${module}`);
    }
    expectNoSecrets(result, { secretId, roleId: app.roleId, password: 'lazy-password-1' });
  });
});
