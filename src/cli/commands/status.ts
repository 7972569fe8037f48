import { resolveStatePaths } from '../../state/state-paths.ts';
import { judgeStatus } from '../../status/judge-status.ts';
import { loadRunConfig } from '../config-source.ts';
import type { CommandRun } from '../context.ts';

/**
 * `keyturn status [--online] [--json]` (SPEC §1): a health check judged from local state;
 * 0 healthy, 1 not. Light on purpose (a 10-second Docker HEALTHCHECK): the Vault client is
 * loaded only for --online.
 */
export async function run({
  ctx,
  out,
  globals,
  options,
}: CommandRun<{ online?: boolean; json?: boolean }>): Promise<number> {
  const config = await loadRunConfig(globals, ctx);
  const paths = resolveStatePaths(config, ctx.uid, ctx.env, ctx.cwd);
  const { gatherStatus } = await import('../../status/gather-status.ts');
  const facts = await gatherStatus(config, paths.stateFile, ctx.cwd);
  if (options.online) {
    const { checkOnline } = await import('../../status/online-check.ts');
    facts.online = await checkOnline(config, ctx, out);
  }
  const verdict = judgeStatus(facts, Date.now());
  const { statusFields, statusTable } = await import('../../status/format-status.ts');
  out.print(
    options.json
      ? `${JSON.stringify(statusFields(facts, verdict), null, 2)}\n`
      : statusTable(verdict),
  );
  return verdict.healthy ? 0 : 1;
}
