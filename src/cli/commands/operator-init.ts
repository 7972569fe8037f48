import { resolve } from 'node:path';
import { UsageError } from '../../errors/keyturn-error.ts';
import type { CommandRun } from '../context.ts';
import { openNodes } from '../open-nodes.ts';

export interface InitFlags {
  addr?: string;
  keyShares?: string;
  keyThreshold?: string;
  pgpKeys?: string;
  rootTokenPgpKey?: string;
  dev?: boolean;
  shareDir?: string;
}

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 255) {
    throw new UsageError(`${name} must be a whole number from 1 to 255, got "${value}"`);
  }
  return n;
}

/** `keyturn operator init` (SPEC §1): Vault's seal ceremony, one PGP-encrypted share file per operator. */
export async function run(run: CommandRun<InitFlags>): Promise<number> {
  const { ctx, out, options } = run;
  const pgpKeyFiles = (options.pgpKeys ?? '')
    .split(',')
    .filter((file) => file !== '')
    .map((file) => resolve(ctx.cwd, file));
  const shares = count('--key-shares', options.keyShares, pgpKeyFiles.length || 5);
  const { runInit } = await import('../../operator/run-init.ts');
  const nodes = await openNodes(run, options.addr ? [options.addr] : []);
  try {
    const client = nodes.clients[0];
    if (!client) throw new UsageError('no Vault address');
    await runInit(
      {
        shares,
        threshold: count('--key-threshold', options.keyThreshold, Math.min(3, shares)),
        pgpKeyFiles,
        ...(options.rootTokenPgpKey
          ? { rootTokenPgpKeyFile: resolve(ctx.cwd, options.rootTokenPgpKey) }
          : {}),
        dev: options.dev === true,
        shareDir: resolve(ctx.cwd, options.shareDir ?? '.'),
      },
      client,
      out,
    );
    return 0;
  } finally {
    nodes.close();
  }
}
