import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelled, recordTokens, requestPaths, runPrestart } from './fetch-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const count = 40;
const value = (i: number) => `concurrent-value-${i}-abcdef`;

describe('keyturn prestart: many secrets at once', () => {
  it('fetches 40 secrets with at most 16 requests in flight, over at most 16 kept-alive connections', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault);
    for (let i = 0; i < count; i++) {
      await vault.write(`secret/data/app/s${i}`, { data: { v: value(i) } });
    }
    const tokens = recordTokens(vault);
    const secretId = await app.plainSecretId();
    const connectionsBefore = vault.connectionsAccepted;
    vault.maxInFlight = 0;
    // Every answer takes 50 ms, so unbounded fetching would have all 40 in flight at once.
    vault.setLatency(50);
    const lines = Array.from(
      { length: count },
      (_, i) => `  - { path: secret/app/s${i}, field: v, to: out/s${i} }`,
    );
    const { result } = await runPrestart(vault, app, dir.path, `secrets:\n${lines.join('\n')}\n`, {
      secretId,
      logLevel: 'info',
    });
    vault.setLatency(0);
    expect(result.code, result.stderr).toBe(0);
    expect(requestPaths(vault, /^secret\/data\//)).toHaveLength(count);
    expect(vault.maxInFlight).toBeLessThanOrEqual(16);
    expect(vault.maxInFlight).toBeGreaterThanOrEqual(8); // and they were concurrent
    expect(vault.connectionsAccepted - connectionsBefore).toBeLessThanOrEqual(16);
    for (let i = 0; i < count; i++) {
      expect(await readFile(join(dir.path, 'out', `s${i}`), 'utf8')).toBe(value(i));
    }
    expectNoSecrets(result, {
      ...labelled(
        'value',
        Array.from({ length: count }, (_, i) => value(i)),
      ),
      secretId,
      roleId: app.roleId,
      ...labelled('token', tokens),
    });
  });
});
