import { ExitCode, KeyturnError, type KeyturnErrorOptions } from '../errors/keyturn-error.ts';

/**
 * An archive keyturn cannot use: not one, a newer format, a wrong passphrase, a flipped
 * byte, a missing end. SPEC §1 gives these 65 (data keyturn cannot use), like Vault's.
 */
export class ArchiveError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('archive', ExitCode.badData, message, options);
  }
}
