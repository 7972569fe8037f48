import { mkdtemp, rm } from 'node:fs/promises';
import { execa } from 'execa';

/** One operator's key in a GnuPG home. */
export interface GpgKey {
  fingerprint: string;
  /** `gpg --export <fpr> | base64 -w0`: what `pgp_keys` takes. */
  publicKeyBase64: string;
}

/** Is a `gpg` binary on PATH? (Debian's `gnupg` package.) */
export async function gpgAvailable(): Promise<boolean> {
  try {
    await execa('gpg', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * A throwaway GnuPG home for tests, as an operator's machine would have one. It lives directly
 * under /tmp because gpg-agent's socket path must stay short (sun_path is 108 bytes). Keys have
 * no passphrase; every call is `--batch --pinentry-mode loopback`, so nothing ever prompts.
 * Dispose it (`await using`) to stop its gpg-agent and remove it.
 */
export class GpgHome {
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  static async create(): Promise<GpgHome> {
    return new GpgHome(await mkdtemp('/tmp/ktg-'));
  }

  /** The environment a child (keyturn, gpg) needs to use this home. */
  get env(): { GNUPGHOME: string } {
    return { GNUPGHOME: this.path };
  }

  async #gpg(args: string[], input?: Uint8Array): Promise<Buffer> {
    const result = await execa('gpg', ['--batch', '--pinentry-mode', 'loopback', ...args], {
      env: this.env,
      encoding: 'buffer',
      // execa strips a final "\n" even from bytes: a key export ending in 0x0a lost its last byte.
      stripFinalNewline: false,
      ...(input ? { input } : {}),
    });
    return Buffer.from(result.stdout);
  }

  /** A new key pair: ed25519 to sign, cv25519 to encrypt (fast to make, unlike RSA). */
  async generateKey(name: string): Promise<GpgKey> {
    const uid = `${name} <${name}@keyturn.test>`;
    await this.#gpg([
      '--passphrase',
      '',
      '--quick-gen-key',
      uid,
      'future-default',
      'default',
      'never',
    ]);
    const listing = (await this.#gpg(['--with-colons', '--list-keys', uid])).toString();
    const fingerprint = listing
      .split('\n')
      .find((line) => line.startsWith('fpr:'))
      ?.split(':')[9];
    if (!fingerprint) throw new Error(`gpg made no key for ${uid}:\n${listing}`);
    const exported = await this.#gpg(['--export', fingerprint]);
    return { fingerprint, publicKeyBase64: exported.toString('base64') };
  }

  /** `base64 -d | gpg -dq`: the plaintext of a binary PGP message (given as bytes or base64). */
  async decrypt(message: Uint8Array | string): Promise<string> {
    const bytes = typeof message === 'string' ? Buffer.from(message, 'base64') : message;
    return (await this.#gpg(['--quiet', '--decrypt'], bytes)).toString('utf8');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await execa('gpgconf', ['--kill', 'all'], { env: this.env, reject: false });
    await rm(this.path, { recursive: true, force: true });
  }
}
