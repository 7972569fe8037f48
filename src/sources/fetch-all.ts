import pLimit from 'p-limit';
import type { Logger } from '../log/output.ts';
import type { Redactor } from '../log/redactor.ts';
import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import { type CertRequest, type IssuedCert, issueCert } from './issue-cert.ts';
import type { KvMounts } from './kv-mounts.ts';
import { type Lease, type ReadRequest, readSecret, type SecretData } from './read-secret.ts';

export interface FetchDeps {
  client: VaultClient;
  retrier: Retrier;
  mounts: KvMounts;
  token: string;
  redactor: Redactor;
  log: Logger;
}

export interface Fetched {
  secrets: SecretData[];
  /** `undefined` where the certificate on disk is still good and was not re-issued. */
  certs: (IssuedCert | undefined)[];
}

/**
 * Fetches everything before anything is written (SPEC §5): if one fetch fails, no file is
 * touched, and the leases the others obtained are revoked so nothing is left minted.
 * Concurrency is bounded so a config with a thousand secrets does not open a thousand sockets.
 */
export async function fetchAll(
  secrets: ReadRequest[],
  certs: (CertRequest | undefined)[],
  deps: FetchDeps,
  concurrency = 16,
): Promise<Fetched> {
  const limit = pLimit(concurrency);
  const secretJobs = secrets.map((request) =>
    limit(async () => {
      const secret = await readSecret(request, deps);
      deps.redactor.addAll(secret.data);
      deps.log.debug(
        { path: request.path, version: secret.version, lease: !!secret.lease },
        'fetched',
      );
      return secret;
    }),
  );
  const certJobs = certs.map((request) =>
    request ? limit(() => issueCert(request, deps)) : Promise.resolve(undefined),
  );
  const [secretResults, certResults] = await Promise.all([
    Promise.allSettled(secretJobs),
    Promise.allSettled(certJobs),
  ]);
  const failure = [...secretResults, ...certResults].find((r) => r.status === 'rejected');
  if (failure) {
    const leases = [...secretResults, ...certResults].flatMap((r) =>
      r.status === 'fulfilled' && r.value?.lease ? [r.value.lease] : [],
    );
    await revokeLeases(leases, deps);
    throw failure.reason;
  }
  return {
    secrets: secretResults.map((r) => (r as PromiseFulfilledResult<SecretData>).value),
    certs: certResults.map((r) => (r as PromiseFulfilledResult<IssuedCert | undefined>).value),
  };
}

/** Best effort: a lease that cannot be revoked now dies with the token or its TTL. */
async function revokeLeases(leases: Lease[], deps: Pick<FetchDeps, 'client' | 'token' | 'log'>) {
  await Promise.all(
    leases.map(async (lease) => {
      try {
        await deps.client.request('PUT', 'sys/leases/revoke', {
          token: deps.token,
          body: { lease_id: lease.id },
        });
        deps.log.info({ lease: lease.id }, 'revoked a lease of the failed run');
      } catch (error) {
        // Vault's default policy lacks sys/leases/revoke, so a 403 is the usual answer and no
        // cause for alarm: the caller revokes the token, which revokes its leases with it.
        if (error instanceof VaultResponseError && error.status === 403) {
          deps.log.info(
            { lease: lease.id },
            'the policy does not allow sys/leases/revoke: the lease ends with the token',
          );
          return;
        }
        deps.log.warn({ lease: lease.id, error: String(error) }, 'could not revoke a lease');
      }
    }),
  );
}
