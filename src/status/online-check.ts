import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../cli/context.ts';
import type { Config } from '../config/config-types.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Output } from '../log/output.ts';
import type { StatusFacts } from './judge-status.ts';

/*
 * Why one attempt with a short timeout: a Docker HEALTHCHECK gives the whole command ~10 s
 * by default, and a Vault that does not answer in a few seconds is the answer.
 */
const ONLINE_TIMEOUT_MS = 3_000;

/**
 * `status --online`: lookup-self with the token keyturn wrote (the configured sink), else
 * VAULT_TOKEN. status holds no token of its own, so without either it cannot ask.
 */
export async function checkOnline(
  config: Config,
  ctx: CliContext,
  out: Output,
): Promise<NonNullable<StatusFacts['online']>> {
  const token = await findToken(config, ctx);
  out.redactor.add(token);
  // Loaded only here: a local status never pays for the Vault client.
  const { openVault } = await import('../cli/open-vault.ts');
  const timed: Config = {
    ...config,
    vault: { ...config.vault, timeoutMs: Math.min(config.vault.timeoutMs, ONLINE_TIMEOUT_MS) },
  };
  const { client } = openVault(timed, ctx, out);
  try {
    const answer = await client.request<{ ttl?: number }>('GET', 'auth/token/lookup-self', {
      token,
    });
    return { ok: true, ttlSeconds: answer?.data?.ttl };
  } catch (error) {
    return { ok: false, error: `lookup-self failed: ${(error as Error).message}` };
  } finally {
    client.close();
  }
}

async function findToken(config: Config, ctx: CliContext): Promise<string> {
  const sink = config.token.sink;
  if (sink) {
    const path = resolve(ctx.cwd, sink.path);
    try {
      const token = (await readFile(path, 'utf8')).trim();
      if (token) return token;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`status --online: cannot read the token sink ${path} (${code})`);
    }
  }
  const token = ctx.env.VAULT_TOKEN?.trim();
  if (token) return token;
  throw new UsageError(
    'status --online needs a token: configure `token.sink` (keyturn writes it) or set VAULT_TOKEN',
  );
}
