import { VaultResponseError } from '../vault/errors.ts';
import { explainRefusal, type LauncherCall } from './issue-secret-id.ts';

/**
 * `--destroy ACCESSOR`: removes a secret ID the launcher issued (a job that ended before the
 * container used it). One that is already gone — used up, expired, destroyed — is what the
 * caller wanted: logged, not an error. Vault says "gone" with a 500 (approle returns a plain
 * Go error there), so only that exact text is taken as such; any other 500 stays an error.
 */
export async function destroySecretId(
  target: { mount: string; role: string; accessor: string },
  call: LauncherCall,
): Promise<'destroyed' | 'already gone'> {
  const path = `auth/${target.mount}/role/${target.role}/secret-id-accessor/destroy`;
  try {
    await call.retrier.once('secret ID destroy', () =>
      call.client.request('POST', path, {
        token: call.token,
        body: { secret_id_accessor: target.accessor },
      }),
    );
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const response = error instanceof VaultResponseError ? error : cause;
    if (
      response instanceof VaultResponseError &&
      response.errors.some((text) => text.includes('failed to find accessor entry'))
    ) {
      call.log.info(
        { role: target.role, accessor: target.accessor },
        'the secret ID was already gone',
      );
      return 'already gone';
    }
    throw explainRefusal(error, { ...target, wrapTtlSeconds: 0 }, path, 'update');
  }
  call.log.info({ role: target.role, accessor: target.accessor }, 'destroyed the secret ID');
  return 'destroyed';
}
