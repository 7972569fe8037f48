import type { Config } from '../../config/config-types.ts';
import { judgeStatus, type StatusFacts } from '../../status/judge-status.ts';
import { loadRunWithState } from '../config-source.ts';
import type { CommandRun } from '../context.ts';

/**
 * `keyturn status [--online] [--json]` (SPEC §1): a health check judged from local state;
 * 0 healthy, 1 not. Light on purpose (a 10-second Docker HEALTHCHECK): the Vault client is
 * loaded only for --online.
 */
export async function run(
  command: CommandRun<{ online?: boolean; json?: boolean }>,
): Promise<number> {
  const { ctx, out, globals, options } = command;
  const { config, paths } = await loadRunWithState(globals, ctx);
  const { gatherStatus } = await import('../../status/gather-status.ts');
  const facts = await gatherStatus(config, paths.stateFile);
  if (options.online) facts.online = await askVault(config, command);
  const verdict = judgeStatus(facts, Date.now());
  const { statusFields, statusTable } = await import('../../status/format-status.ts');
  out.print(
    options.json
      ? `${JSON.stringify(statusFields(facts, verdict), null, 2)}\n`
      : statusTable(verdict),
  );
  return verdict.healthy ? 0 : 1;
}

/** `--online`: lookup-self, one attempt with a short timeout. */
async function askVault(
  config: Config,
  { ctx, out }: CommandRun<unknown>,
): Promise<NonNullable<StatusFacts['online']>> {
  const { checkOnline, onlineToken, ONLINE_TIMEOUT_MS } = await import(
    '../../status/online-check.ts'
  );
  const token = await onlineToken(config, ctx.env);
  out.redactor.add(token);
  const { openVault } = await import('../open-vault.ts');
  const timeoutMs = Math.min(config.vault.timeoutMs, ONLINE_TIMEOUT_MS);
  const { client } = openVault({ ...config, vault: { ...config.vault, timeoutMs } }, ctx, out);
  try {
    return await checkOnline(client, token);
  } finally {
    client.close();
  }
}
