import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authWorld, errorMessage } from './auth-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';

/**
 * Preloaded into keyturn with NODE_OPTIONS: records whether VAULT_SECRET_ID is in keyturn's
 * own process.env before its code runs, at every outgoing HTTP request, and at exit.
 */
const probe = `
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
const has = () => 'VAULT_SECRET_ID' in process.env;
const seen = { atStart: has(), atRequests: [] };
dc.subscribe('http.client.request.start', () => seen.atRequests.push(has()));
process.on('exit', () => writeFileSync(process.env.PROBE_OUT, JSON.stringify({ ...seen, atExit: has() })));
`;

describe('keyturn prestart: --input-json and the environment (SPEC §1, §4)', () => {
  it('--input-json takes secretId and roleId from stdin, over the environment', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const decoy = randomUUID();
    const config = await w.writeConfig('wrapped: true');

    const result = await w.prestart(
      config,
      {
        env: { VAULT_SECRET_ID: decoy, VAULT_ROLE_ID: randomUUID() },
        stdin: JSON.stringify({ secretId: wrapped, roleId: w.app.roleId }),
      },
      ['--input-json'],
    );

    expect(result.code).toBe(0);
    const token = await w.expectFilesWritten();
    const lookup = w.vault.requests.find((r) => r.path === 'sys/wrapping/lookup');
    expect(lookup?.body.token).toBe(wrapped);
    const [unwrapped] = w.loginSecretIds();
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, unwrapped, decoy });
  });

  it.each([
    [
      'not JSON',
      (s: string, r: string) => `{"secretId": "${s}", "roleId": "${r}"`,
      /not valid JSON/,
    ],
    [
      'an unknown key',
      (s: string, r: string) => `{"secret_id": "${s}", "roleId": "${r}"}`,
      /unknown key "secret_id" \(did you mean "secretId"\? expected/,
    ],
    [
      'a non-string value',
      (s: string) => `{"secretId": ["${s}"]}`,
      /"secretId" must be a non-empty string/,
    ],
  ])(
    '--input-json with %s exits 64 without echoing the input or calling Vault',
    async (_name, input, message) => {
      await using w = await authWorld();
      const wrapped = await w.app.wrappedSecretId();
      const config = await w.writeConfig('wrapped: true');
      const before = w.vault.requests.length;

      const result = await w.prestart(config, { stdin: input(wrapped, w.app.roleId) }, [
        '--input-json',
      ]);

      expect(result.code).toBe(64);
      expect(errorMessage(result)).toMatch(message);
      expect(w.vault.requests.length).toBe(before);
      expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
    },
  );

  it("VAULT_SECRET_ID is gone from keyturn's own environment before its first Vault request", async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true');
    const probeFile = join(w.dir, 'probe.mjs');
    const probeOut = join(w.dir, 'probe.json');
    await writeFile(probeFile, probe);

    const result = await w.prestart(config, {
      env: {
        VAULT_ROLE_ID: w.app.roleId,
        VAULT_SECRET_ID: wrapped,
        NODE_OPTIONS: `--import=${probeFile}`,
        PROBE_OUT: probeOut,
      },
    });

    expect(result.code).toBe(0);
    const token = await w.expectFilesWritten();
    const seen = JSON.parse(await readFile(probeOut, 'utf8'));
    expect(seen.atStart).toBe(true); // the probe works: the variable was handed in
    expect(seen.atRequests.length).toBeGreaterThanOrEqual(3);
    expect(seen.atRequests).not.toContain(true);
    expect(seen.atExit).toBe(false);
    expect(errorMessage(result)).toBe('');
    const [unwrapped] = w.loginSecretIds();
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, unwrapped });
  });
});
