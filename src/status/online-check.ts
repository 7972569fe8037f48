import { readFile } from 'node:fs/promises';
import type { Config } from '../config/config-types.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { VaultClient } from '../vault/client.ts';
import type { StatusFacts } from './judge-status.ts';

/*
 * Why one attempt with a short timeout: a Docker HEALTHCHECK gives the whole command ~10 s
 * by default, and a Vault that does not answer in a few seconds is the answer.
 */
export const ONLINE_TIMEOUT_MS = 3_000;

/** `status --online`: lookup-self with the token; any failure is the answer, not an error. */
export async function checkOnline(
  client: VaultClient,
  token: string,
): Promise<NonNullable<StatusFacts['online']>> {
  try {
    const answer = await client.request<{ ttl?: number }>('GET', 'auth/token/lookup-self', {
      token,
    });
    return { ok: true, ttlSeconds: answer?.data?.ttl };
  } catch (error) {
    return { ok: false, error: `lookup-self failed: ${(error as Error).message}` };
  }
}

/**
 * The token `status --online` asks with: the one keyturn wrote (the configured sink), else
 * VAULT_TOKEN. status holds no token of its own, so without either it cannot ask.
 */
export async function onlineToken(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const sink = config.token.sink;
  if (sink) {
    try {
      const token = (await readFile(sink.path, 'utf8')).trim();
      if (token) return token;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`status --online: cannot read the token sink ${sink.path} (${code})`);
    }
  }
  const token = env.VAULT_TOKEN?.trim();
  if (token) return token;
  throw new UsageError(
    'status --online needs a token: configure `token.sink` (keyturn writes it) or set VAULT_TOKEN',
  );
}
