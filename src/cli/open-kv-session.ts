import type { LoginResult } from '../auth/auth-method.ts';
import { authMethod } from '../auth/auth-methods.ts';
import { authenticate } from '../auth/authenticate.ts';
import { KvMounts } from '../sources/kv-mounts.ts';
import { createRetrier } from '../vault/retrier.ts';
import type { CommandRun } from './context.ts';
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
    const login: LoginResult = await authenticate(
      authMethod({ method: 'token', token: { kind: 'env', name: 'VAULT_TOKEN' } }),
      {
        client,
        retrier,
        log: run.out.log,
        redactor: run.out.redactor,
        env: run.ctx.env,
        now: Date.now,
      },
    );
    const token = login.token;
    const mounts = new KvMounts(client, retrier, () => token, run.out.log);
    return { client, retrier, token, mounts, close };
  } catch (error) {
    close();
    throw error;
  }
}
