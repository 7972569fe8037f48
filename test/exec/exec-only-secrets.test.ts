import { describe, expect, it } from 'vitest';
import { expectNoSecrets, runKeyturn } from '../e2e/run-keyturn.ts';
import { execWorld } from './exec-world.ts';

describe('a secret only env: uses (issue 11, SPEC §3 exec)', () => {
  it.each([
    ['prestart', ['prestart']],
    ['agent', ['agent']],
    ['prestart --daemon', ['prestart', '--daemon']],
  ])('is refused by %s (64), named, before the secret ID is spent', async (name, command) => {
    await using world = await execWorld();
    const config = await world.config(`
secrets:
  - { path: secret/app/db, format: json, to: out/db.json }
  - { path: secret/app/api, env: { API_KEY: key } }
`);
    const env = await world.env();
    const result = await runKeyturn([...command, '--config', config], { cwd: world.dir, env });

    expect(result.code, result.stderr).toBe(64);
    expect(result.stderr).toContain(`${name}: these secrets are for \`keyturn exec\` only`);
    expect(result.stderr).toContain('secrets[1] (secret/app/api)');
    expect(world.vault.requests.some((r) => r.path.startsWith('sys/wrapping/'))).toBe(false);
    expect(result.stderr).not.toContain('    at ');
    expectNoSecrets(result, { wrapped: env.VAULT_SECRET_ID });
  });

  it('is a valid configuration for `config check` (exec uses it)', async () => {
    await using world = await execWorld();
    const config = await world.config(`
secrets:
  - { path: secret/app/api, env: { API_KEY: key } }
`);
    const result = await runKeyturn(['config', 'check', config], { cwd: world.dir });
    expect(result.code, result.stderr).toBe(0);
  });
});
