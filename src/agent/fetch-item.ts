import type { CertConfig, SecretConfig } from '../config/config-types.ts';
import { type IssuedCert, issueCert } from '../sources/issue-cert.ts';
import { readSecret, type SecretData } from '../sources/read-secret.ts';
import type { VaultClient } from '../vault/client.ts';
import { singleAttempt } from '../vault/single-attempt.ts';
import type { HeldLease, LiveSet, Slot } from './live-set.ts';
import type { RenewerContext } from './renewer-context.ts';
import type { RenewalKind } from './renewer-metrics.ts';
import { alwaysRetry, retryUntil } from './retry-until.ts';

type FetchDeps = Pick<RenewerContext, 'mounts' | 'out'> & { client: VaultClient; token: string };

/** Reads one configured secret once (the caller retries), registering its values for redaction. */
export async function fetchSecret(secret: SecretConfig, deps: FetchDeps): Promise<SecretData> {
  const data = await readSecret(
    { path: secret.path, version: secret.version, kvVersion: secret.kvVersion },
    { client: deps.client, retrier: singleAttempt, mounts: deps.mounts, token: deps.token },
  );
  deps.out.redactor.addAll(data.data);
  return data;
}

/** Issues one configured certificate once (the caller retries). */
function fetchCert(cert: CertConfig, deps: FetchDeps): Promise<IssuedCert> {
  return issueCert(cert, {
    client: deps.client,
    retrier: singleAttempt,
    token: deps.token,
    redactor: deps.out.redactor,
  });
}

/** Where a slot's lease comes from, for logs and state. */
export function slotPath(ctx: Pick<RenewerContext, 'config'>, slot: Slot): string {
  if (slot.kind === 'secret') return ctx.config.secrets[slot.index]?.path ?? '?';
  const cert = ctx.config.certs[slot.index];
  return cert ? `${cert.mount}/issue/${cert.role}` : '?';
}

/** Fetches a slot's item again and puts it, with its new lease, into `live`. */
export async function refetchSlot(
  ctx: RenewerContext,
  client: VaultClient,
  slot: Slot,
): Promise<void> {
  const deps = { client, token: ctx.live.token.token, mounts: ctx.mounts, out: ctx.out };
  if (slot.kind === 'secret') {
    const secret = ctx.config.secrets[slot.index];
    if (!secret) return;
    const data = await fetchSecret(secret, deps);
    ctx.live.secrets[slot.index] = data;
    holdLease(ctx, slot, data.lease);
    return;
  }
  const cert = ctx.config.certs[slot.index];
  if (!cert) return;
  const issued = await fetchCert(cert, deps);
  ctx.live.certs[slot.index] = issued;
  ctx.live.certLifetimes[slot.index] = {
    notBeforeMs: issued.notBeforeMs,
    notAfterMs: issued.notAfterMs,
    receivedAtMs: ctx.clock.now(),
  };
  holdLease(ctx, slot, issued.lease);
}

/**
 * Fetches a slot's item again, retrying for as long as it takes (a lease or certificate that
 * can no longer be extended must be replaced, however long Vault is away), then counts the
 * success. The caller rewrites the files and the state.
 */
export async function refetchUntilDone(
  ctx: RenewerContext,
  client: VaultClient,
  signal: AbortSignal,
  slot: Slot,
  what: string,
  kind: RenewalKind,
): Promise<void> {
  const refetch = () => refetchSlot(ctx, client, slot);
  await retryUntil(ctx, signal, what, Number.POSITIVE_INFINITY, refetch, alwaysRetry);
  ctx.live.lastRenewalAtMs = ctx.clock.now();
  ctx.metrics.renewal(kind, true);
  ctx.metrics.lastSuccess(kind);
}

/** Records a lease just granted (or its absence) for `slot`. */
export function holdLease(
  ctx: Pick<RenewerContext, 'config' | 'clock' | 'metrics'> & { live: LiveSet },
  slot: Slot,
  lease: { id: string; durationMs: number; renewable: boolean } | undefined,
): void {
  const held: HeldLease | undefined = lease && {
    ...lease,
    path: slotPath(ctx, slot),
    grantedAtMs: ctx.clock.now(),
  };
  ctx.live.setLease(slot, held);
  if (held) ctx.metrics.leaseTtl(held.path, held.durationMs / 1000);
}
