import * as openpgp from 'openpgp';

/** An operator's key pair made in process with openpgp.js (no gpg needed). */
export interface OpenPgpOperator {
  /** Base64 of the binary public key: what `pgp_keys` / `root_token_pgp_key` take. */
  publicKeyBase64: string;
  /** The armored public key (which Vault refuses). */
  armoredPublicKey: string;
  /** The primary key's ID, 16 hex digits. */
  keyId: string;
  /** The plaintext of a binary PGP message (given as bytes, or base64 as `keys_base64` has it). */
  decrypt(message: Uint8Array | string): Promise<string>;
}

/**
 * A curve25519 key pair (EdDSA signing primary, ECDH cv25519 encryption subkey — the legacy
 * algorithms GnuPG 2.2 and go-crypto read): tens of milliseconds to make. `encrypt: false` leaves out the encryption subkey, a key Vault can
 * parse but not encrypt to.
 */
export async function makeOpenPgpOperator(
  name: string,
  options: { encrypt?: boolean } = {},
): Promise<OpenPgpOperator> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email: `${name}@keyturn.test` }],
    format: 'object',
    ...(options.encrypt === false ? { subkeys: [] } : {}),
  });
  return {
    publicKeyBase64: Buffer.from(publicKey.write()).toString('base64'),
    armoredPublicKey: publicKey.armor(),
    keyId: publicKey.getKeyID().toHex(),
    async decrypt(message) {
      const bytes = typeof message === 'string' ? Buffer.from(message, 'base64') : message;
      const read = await openpgp.readMessage({ binaryMessage: new Uint8Array(bytes) });
      const { data } = await openpgp.decrypt({ message: read, decryptionKeys: privateKey });
      return String(data);
    },
  };
}
