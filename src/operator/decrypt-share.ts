import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Output } from '../log/output.ts';

/** A share as `sys/unseal` takes it: hex (Vault's form) or base64 of the share bytes. */
const PLAIN_SHARE = /^(?:[0-9a-fA-F]{2}){16,128}$/;

/** The child gets the operator's environment (GNUPGHOME, GPG_TTY, agent) minus every VAULT_*. */
function gpgEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.startsWith('VAULT_')) clean[key] = value;
  }
  return clean;
}

/**
 * The unseal key in a share file: a plain share (`--dev`) as it is, or the PGP message
 * that `operator init` wrote (base64, binary or armored) decrypted by the operator's own
 * `gpg` — whose agent may ask for the key's passphrase on its pinentry.
 */
export async function shareFromFile(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  out: Output,
): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read the key file ${file} (${code})`, { cause: error });
  }
  const text = raw.toString('latin1').trim();
  if (PLAIN_SHARE.test(text)) {
    out.redactor.add(text);
    return text;
  }
  let message: Buffer = raw;
  if (!text.startsWith('-----BEGIN PGP MESSAGE-----') && (raw[0] ?? 0) < 0x80) {
    message = Buffer.from(text, 'base64');
  }
  if (!text.startsWith('-----BEGIN PGP MESSAGE-----') && ((message[0] ?? 0) & 0x80) === 0) {
    throw new UsageError(`${file} holds neither an unseal key nor a PGP message`);
  }
  const share = (await gpgDecrypt(message, file, env, out)).trim();
  out.redactor.add(share);
  if (!PLAIN_SHARE.test(share)) {
    throw new UsageError(`${file}: gpg decrypted it, but not to an unseal key (value not shown)`);
  }
  return share;
}

async function gpgDecrypt(
  message: Buffer,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  out: Output,
): Promise<string> {
  // Loaded here only: nothing else in a keyturn run starts a child this way.
  const { execa } = await import('execa');
  const result = await execa('gpg', ['--quiet', '--decrypt'], {
    input: message,
    env: gpgEnv(env),
    extendEnv: false,
    encoding: 'buffer',
    // Binary output: execa would strip a final newline byte (see test/vault-server/gpg-home.ts).
    stripFinalNewline: false,
    reject: false,
  });
  const plain = Buffer.from(result.stdout).toString('utf8');
  out.redactor.add(plain.trim());
  const stderr = out.redactor.redact(
    Buffer.from(result.stderr ?? [])
      .toString('utf8')
      .trim(),
  );
  if (result.failed) {
    const missing = (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    throw new UsageError(
      missing
        ? 'gpg is not on PATH: it decrypts the share (apt-get install gnupg)'
        : `gpg could not decrypt ${file}: ${stderr.split('\n').at(-1) || `exit ${result.exitCode}`}`,
      { details: { file } },
    );
  }
  if (stderr) out.log.debug({ file, gpg: stderr }, 'gpg said');
  return plain;
}
