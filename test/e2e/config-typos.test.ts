import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

describe('a typo in the config gets "did you mean"', () => {
  it('config check: 64, every typo named with the one key close to it', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'keyturn.yaml');
    await writeFile(
      file,
      `vault: { retry: { give_up_afer: 5m } }
defaults: { mdoe: "0400" }
secrets:
  - { path: secret/app/db, to: out/db.json, on_chnage: { command: [reload] } }
  - { path: secret/app/api, to: out/api, colour: blue }
`,
    );
    const result = await runKeyturn(['config', 'check', file], { cwd: dir.path });
    expect(result.code).toBe(64);
    const message = String(logLines(result).find((line) => line.level === 'error')?.msg);
    expect(message).toContain(
      ':1:19: vault.retry.give_up_afer: unknown key (did you mean "give_up_after"?)',
    );
    expect(message).toContain(':2:13: defaults.mdoe: unknown key (did you mean "mode"?)');
    expect(message).toContain('secrets[0].on_chnage: unknown key (did you mean "on_change"?)');
    expect(message).toMatch(/secrets\[1\]\.colour: unknown key(?! \(did)/);
    expectNoSecrets(result, {});
  });
});
