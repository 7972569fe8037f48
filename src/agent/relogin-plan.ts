import { isPlainSecretId } from '../auth/unwrap-secret-id.ts';
import type { AppRoleConfig } from '../config/config-types.ts';

export type ReloginPlan = { possible: true; how: string } | { possible: false; why: string };

/**
 * Whether the secret ID source can be used again when the token runs out (SPEC §6). A file
 * can: it is re-read at that moment, so a launcher may have put a fresh secret ID there. A
 * plain (unwrapped) ID from the environment or the config may allow several logins, so it
 * is tried: Vault refuses a spent one, and that refusal exits 75 like no source at all. A
 * wrapping token works once, and trying it again would only look like an interception.
 */
export function reloginPlan(
  settings: AppRoleConfig,
  env: Readonly<Record<string, string | undefined>>,
): ReloginPlan {
  const source = settings.secretId;
  if (source.kind === 'file')
    return { possible: true, how: `the secret ID re-read from ${source.path}` };
  const value = source.kind === 'env' ? env[source.name]?.trim() : source.value;
  if (!value) {
    return { possible: false, why: 'the secret ID is no longer available to keyturn' };
  }
  const wrapped = settings.wrapped === 'auto' ? !isPlainSecretId(value) : settings.wrapped;
  if (wrapped) {
    return {
      possible: false,
      why: 'the secret ID came response-wrapped, and a wrapping token can be unwrapped only once',
    };
  }
  return {
    possible: true,
    how: 'the same plain secret ID (this works only if it allows more than one login)',
  };
}
