import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LogLine, msg, startKeyturn } from './agent-process.ts';
import { eventually, textOf, writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const timeOf = (line: LogLine | undefined) => Date.parse(String(line?.time));

describe('keyturn agent: on_change_wait coalesces rotations close together (SPEC §6)', () => {
  it('two secrets rotating ~100 ms apart with one shared command run it once, for both files', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await vault.write('secret/data/app/a', { data: { value: 'alpha-one-5521' } });
    await vault.write('secret/data/app/b', { data: { value: 'bravo-one-5522' } });
    const app = await setupApp(vault, { token_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const reload = "{ command: [sh, -c, 'echo run >> marker'] }";
    const config = await writeAgentConfig(
      dir.path,
      `
defaults: { on_change_wait: 2s }
secrets:
  - { path: secret/app/a, field: value, to: out/a, refresh: 1s, on_change: ${reload} }
  - { path: secret/app/b, field: value, to: out/b, refresh: 1100ms, on_change: ${reload} }
`,
    );
    const env = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId };
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env,
    });
    await agent.waitForLog(msg('renewing'));
    // Both rotate before their first refresh, which comes 1 s and 1.1 s after the start.
    await vault.write('secret/data/app/a', { data: { value: 'alpha-two-5523' } });
    await vault.write('secret/data/app/b', { data: { value: 'bravo-two-5524' } });

    const done = await agent.waitForLog(msg('on_change done'));
    expect(done.files).toEqual([join(dir.path, 'out', 'a'), join(dir.path, 'out', 'b')]);
    expect(await textOf(join(dir.path, 'out', 'b'))).toBe('bravo-two-5524');
    const rewrites = agent.lines().filter(msg('rewritten'));
    expect(rewrites).toHaveLength(2);
    // The run waited for the files to be quiet for on_change_wait after the last rewrite.
    expect(timeOf(done) - timeOf(rewrites.at(-1))).toBeGreaterThanOrEqual(2000);
    await eventually(
      () => textOf(join(dir.path, 'marker')),
      (text) => text === 'run\n',
    );

    const result = await agent.stop();
    expect(result.code).toBe(0);
    expect(await textOf(join(dir.path, 'marker'))).toBe('run\n');
    expect(result.stderr.match(/"on_change done"/g)).toHaveLength(1);
    expectNoSecrets(result, {
      secretId,
      roleId: app.roleId,
      a: 'alpha-two-5523',
      b: 'bravo-two-5524',
    });
  });
});
