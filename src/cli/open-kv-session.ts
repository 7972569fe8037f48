import { KvMounts } from '../sources/kv-mounts.ts';
import { createRetrier } from '../vault/retrier.ts';
import type { CommandRun } from './context.ts';
import { logIn, VAULT_TOKEN_AUTH } from './log-in.ts';
import { openNodes } from './open-nodes.ts';

/**
 * What backup and restore talk to Vault with: one client, VAULT_TOKEN taken through the
 * auth seam's `token` method (looked up once: a dead token is refused before any read),
 * one retrier, one KV mount detector.
 */
export async function openKvSession(run: CommandRun<unknown>) {
  // Secret values are masked per secret (scrub-values.ts), not registered process-wide.
  const { config, clients, close } = await openNodes(run, [], {
    registerBodySecrets: false,
    hasAddrFlag: false,
  });
  const client = clients[0];
  if (!client) throw new Error('no Vault client');
  try {
    const retrier = createRetrier(config.vault.retry, run.out.log, run.ctx.signal);
    const login = await logIn(VAULT_TOKEN_AUTH, client, retrier, run);
    const token = login.token;
    const mounts = new KvMounts(client, retrier, () => token, run.out.log);
    return { client, retrier, token, mounts, close };
  } catch (error) {
    close();
    throw error;
  }
}
