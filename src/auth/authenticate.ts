import { AuthError, VaultDataError } from '../errors/keyturn-error.ts';
import { isInvalidToken, isPermissionDenied, VaultResponseError } from '../vault/errors.ts';
import { seconds } from '../vault/parse-response.ts';
import type { AuthDeps, AuthMethod, LoginResult, LoginStep } from './auth-method.ts';

/** How log lines name each method. */
const LABELS = { approle: 'AppRole', kubernetes: 'Kubernetes', jwt: 'JWT', token: 'a given token' };

/**
 * The one login handler (SPEC §4): the method builds its request, this makes the call with
 * the right retry rule, explains a refusal, registers the token with the redactor and
 * converts the answer. A `token` method logs in nowhere: its token is looked up instead.
 */
export async function authenticate(method: AuthMethod, deps: AuthDeps): Promise<LoginResult> {
  const step = await method.prepare(deps);
  if (step.kind === 'token') return takeToken(step, deps);
  const what = `${method.name} login`;
  const call = () => deps.client.request('POST', step.path, { body: step.body });
  const response = await (step.once
    ? deps.retrier.once(what, call)
    : deps.retrier.idempotent(what, call)
  ).catch((error: unknown) => {
    const refused =
      error instanceof VaultResponseError && (error.status === 400 || error.status === 403);
    throw refused ? step.refused(error) : error;
  });
  const auth = response?.auth;
  if (!auth?.clientToken) throw new VaultDataError(`the ${what} answer has no auth.client_token`);
  deps.redactor.add(auth.clientToken);
  deps.log.info(
    {
      method: method.name,
      ...step.identity,
      accessor: auth.accessor,
      ttl: auth.leaseDurationMs / 1000,
      policies: auth.policies,
    },
    `logged in with ${LABELS[method.name]}`,
  );
  await step.done?.();
  return {
    token: auth.clientToken,
    accessor: auth.accessor,
    ttlMs: auth.leaseDurationMs,
    renewable: auth.renewable,
    policies: auth.policies,
    tokenType: auth.tokenType || 'service',
    issuedAtMs: deps.now(),
    owned: true,
  };
}

interface LookupSelf {
  accessor?: string;
  policies?: string[];
  ttl?: number;
  renewable?: boolean;
  type?: string;
}

/**
 * Takes on a token keyturn did not mint: lookup-self says how long it lives and whether it
 * renews. A dead token is refused here, before it surfaces as a misleading error on the
 * first read; a policy without lookup-self (no `default`) leaves the token usable, unrenewed.
 */
async function takeToken(
  step: Extract<LoginStep, { kind: 'token' }>,
  deps: AuthDeps,
): Promise<LoginResult> {
  let data: LookupSelf = {};
  try {
    const answer = await deps.retrier.idempotent('token lookup', () =>
      deps.client.request<LookupSelf>('GET', 'auth/token/lookup-self', { token: step.token }),
    );
    data = answer?.data ?? {};
  } catch (error) {
    if (isInvalidToken(error)) {
      throw new AuthError(
        `the token from ${step.source} was refused by Vault (invalid token): it is unknown, expired, revoked or out of uses`,
        { cause: error },
      );
    }
    if (!isPermissionDenied(error)) throw error;
    deps.log.info(
      `the token from ${step.source} is used as it is (its policy does not allow lookup-self, so its TTL is unknown and it is not renewed)`,
    );
  }
  // Checked and clamped like every duration Vault sends (parse-response.ts): -5 is 65, 1e30 is 100 years.
  const ttlMs = seconds(data.ttl, 'lookup-self ttl');
  const ttlSeconds = ttlMs / 1000;
  deps.log.info(
    { method: 'token', accessor: data.accessor, ttl: ttlSeconds, policies: data.policies },
    `using the token from ${step.source}`,
  );
  return {
    token: step.token,
    accessor: data.accessor ?? '',
    ttlMs,
    renewable: data.renewable === true,
    policies: data.policies ?? [],
    tokenType: data.type ?? 'service',
    issuedAtMs: deps.now(),
    owned: false,
  };
}
