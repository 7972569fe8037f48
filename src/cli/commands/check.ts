import type { LoginResult } from '../../auth/auth-method.ts';
import { revokeToken } from '../../auth/revoke-token.ts';
import { checkTargets } from '../../check/capability-paths.ts';
import { formatCheckTable, runCheck } from '../../check/run-check.ts';
import { KvMounts } from '../../sources/kv-mounts.ts';
import { createRetrier } from '../../vault/retrier.ts';
import { loadRunConfig } from '../config-source.ts';
import type { CommandRun } from '../context.ts';
import { parseJsonInput } from '../input-json.ts';
import { logIn, VAULT_TOKEN_AUTH } from '../log-in.ts';
import { openVault } from '../open-vault.ts';

/**
 * `keyturn check`: may this token read everything the config names? Uses VAULT_TOKEN when
 * set (a CI job), else the configured auth method — whose token it revokes afterwards: a
 * dry run leaves nothing behind. Exit 0 when every path is readable (and every static KV
 * path exists), 1 otherwise.
 */
export async function run({ ctx, out, globals }: CommandRun): Promise<number> {
  const input = globals.inputJson ? parseJsonInput(await ctx.readStdin(), out.redactor) : {};
  const loaded = await loadRunConfig(globals, ctx);
  const { client, config, env } = openVault(loaded, ctx, out, input);
  const retrier = createRetrier(config.vault.retry, out.log, ctx.signal);
  let login: LoginResult | undefined;
  try {
    // A CI job's own token: `check` asks with it rather than spend the config's credentials.
    login = await logIn(env.token ? VAULT_TOKEN_AUTH : config.auth, client, retrier, { ctx, out });
    const token = login.token;
    const mounts = new KvMounts(client, retrier, () => token, out.log);
    const targets = await checkTargets(config, mounts, out.log);
    const rows = await runCheck(targets, { client, retrier, mounts, token, out });
    out.print(formatCheckTable(rows));
    return rows.every((r) => r.allowed && r.exists !== false) ? 0 : 1;
  } finally {
    if (login) {
      await revokeToken(client, login, out, {
        revoked: 'revoked the token of the check',
        failed: 'could not revoke the token of the check; it expires with its TTL',
      });
    }
    client.close();
  }
}
