import { describe, expect, it } from 'vitest';
import { scrubValues } from '../../src/backup/scrub-values.ts';
import { VaultDataError } from '../../src/errors/keyturn-error.ts';

const record = {
  kind: 'secret' as const,
  path: 'secret/app/db',
  data: { password: 'hunter2-secret', port: 5432 },
  customMetadata: { owner: 'team-secret-owner' },
};

describe('scrubValues', () => {
  it.each([
    ['a value', "value: 'hunter2-secret'", "value: '[REDACTED]'"],
    ['a custom metadata value', 'owner team-secret-owner refused', 'owner [REDACTED] refused'],
    ['a number value as text', 'bad 5432', 'bad [REDACTED]'],
  ])('masks %s quoted in an error about that secret', async (_label, text, masked) => {
    const error = await scrubValues(record, async () => {
      throw new VaultDataError(`Vault said: ${text}`, { details: { reason: text } });
    }).catch((e: unknown) => e as VaultDataError);
    expect(error.message).toBe(`Vault said: ${masked}`);
    expect(error.details.reason).toBe(masked);
  });

  it('passes results through untouched', async () => {
    expect(await scrubValues(record, async () => 'created')).toBe('created');
  });
});
