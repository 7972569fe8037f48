import { access, constants, lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors/keyturn-error.ts';
import { errnoCode } from '../files/describe-errno.ts';
import { writeFileExclusive } from '../files/write-exclusive.ts';
import type { Output } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';
import { initVault } from './init-vault.ts';
import { readPgpPublicKey } from './pgp-public-key.ts';

export interface InitOptions {
  shares: number;
  threshold: number;
  /** Operators' public key files: share i goes to `<file i>.key`. */
  pgpKeyFiles: string[];
  rootTokenPgpKeyFile?: string;
  /** No PGP keys: plain shares in `<shareDir>/unseal-key-<i>`, with a loud warning. */
  dev: boolean;
  shareDir: string;
}

/** Share files are read by their operator alone and never rewritten. */
const SHARE_MODE = 0o400;

/** Where each share (and the encrypted root token) will be written. */
export function sharePaths(opts: InitOptions): { shares: string[]; rootToken?: string } {
  const shares = opts.dev
    ? Array.from({ length: opts.shares }, (_, i) => join(opts.shareDir, `unseal-key-${i + 1}`))
    : opts.pgpKeyFiles.map((file) => `${file}.key`);
  return {
    shares,
    ...(opts.rootTokenPgpKeyFile ? { rootToken: `${opts.rootTokenPgpKeyFile}.root-token` } : {}),
  };
}

/** Every target must be free and its directory writable BEFORE init: after it, a failed write loses a share. */
async function checkTargets(paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await lstat(path);
      throw new UsageError(
        `${path} already exists: share files are never overwritten (move it away first)`,
      );
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
    try {
      await access(dirname(path), constants.W_OK);
    } catch (error) {
      throw new UsageError(`cannot write in ${dirname(path)} (${errnoCode(error) ?? 'error'})`, {
        cause: error,
      });
    }
  }
  if (new Set(paths).size !== paths.length)
    throw new UsageError('two shares would go to the same file');
}

/**
 * `keyturn operator init`: checks the flags and every target file, initialises Vault, then
 * writes one share file per operator (0400, never over an existing file). The root token is
 * written encrypted when a key is given for it, else printed once on stdout (never logged).
 */
export async function runInit(opts: InitOptions, client: VaultClient, out: Output): Promise<void> {
  if (!opts.dev && opts.pgpKeyFiles.length === 0) {
    throw new UsageError(
      'give --pgp-keys (one public key file per operator), or --dev for plain shares',
    );
  }
  if (opts.dev && opts.pgpKeyFiles.length > 0)
    throw new UsageError('--dev and --pgp-keys exclude each other');
  if (!opts.dev && opts.shares !== opts.pgpKeyFiles.length) {
    throw new UsageError(
      `--key-shares is ${opts.shares} but --pgp-keys names ${opts.pgpKeyFiles.length} keys`,
    );
  }
  if (opts.threshold < 1 || opts.threshold > opts.shares) {
    throw new UsageError(`--key-threshold must be between 1 and --key-shares (${opts.shares})`);
  }
  // Vault's own rule (vault/seal_config.go), checked here so a typo costs no round trip.
  if (opts.shares > 1 && opts.threshold === 1) {
    throw new UsageError('--key-threshold must be greater than 1 when there are several shares');
  }
  const pgpKeys = await Promise.all(opts.pgpKeyFiles.map(readPgpPublicKey));
  const rootKey = opts.rootTokenPgpKeyFile
    ? await readPgpPublicKey(opts.rootTokenPgpKeyFile)
    : undefined;
  const paths = sharePaths(opts);
  await checkTargets([...paths.shares, ...(paths.rootToken ? [paths.rootToken] : [])]);

  const answer = await initVault(client, {
    shares: opts.shares,
    threshold: opts.threshold,
    ...(opts.dev ? {} : { pgpKeys }),
    ...(rootKey ? { rootTokenPgpKey: rootKey } : {}),
  });
  if (opts.dev) for (const key of answer.keysHex) out.redactor.add(key);
  if (!rootKey) out.redactor.add(answer.rootToken);
  if (opts.dev) {
    out.log.warn(
      'DEV MODE: the unseal keys are written in plain text; anyone who reads these files can unseal Vault. Never use --dev for a real cluster',
    );
  }
  let failure: unknown;
  for (const [i, path] of paths.shares.entries()) {
    const content = (opts.dev ? answer.keysHex[i] : answer.keysBase64[i]) ?? '';
    try {
      await writeFileExclusive(path, `${content}\n`, SHARE_MODE);
      out.print(`share ${i + 1} of ${opts.shares}: ${path}\n`);
    } catch (error) {
      // Vault is initialised now: a share not kept is lost for good. Hand it over on
      // stdout instead (PGP-encrypted, or plain in --dev, where stdout is the usual place).
      failure ??= error;
      out.printCredential(
        `share ${i + 1} of ${opts.shares} (NOT written to ${path}): ${content}\n`,
      );
    }
  }
  if (paths.rootToken) {
    try {
      await writeFileExclusive(paths.rootToken, `${answer.rootToken}\n`, SHARE_MODE);
      out.print(`root token (encrypted): ${paths.rootToken}\n`);
    } catch (error) {
      failure ??= error;
      out.printCredential(
        `root token (encrypted, NOT written to ${paths.rootToken}): ${answer.rootToken}\n`,
      );
    }
  } else {
    // The one place the root token appears, once, on stdout: it is what init is for.
    out.printCredential(`Initial Root Token: ${answer.rootToken}\n`);
  }
  out.log.info(
    { shares: opts.shares, threshold: opts.threshold, pgp: !opts.dev },
    'Vault initialised',
  );
  if (failure) throw failure;
}
