import { AuthError, VaultDataError } from '../errors/keyturn-error.ts';
import type { Output } from '../log/output.ts';
import type { KvMounts } from '../sources/kv-mounts.ts';
import { readSecret } from '../sources/read-secret.ts';
import type { VaultClient } from '../vault/client.ts';
import { isPermissionDenied } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { CheckTarget } from './capability-paths.ts';

export interface CheckRow {
  path: string;
  capabilities: string[];
  allowed: boolean;
  /** `undefined` where existence cannot be probed without minting something. */
  exists?: boolean;
  /** Shown instead of the capabilities when the path could not be asked about. */
  note?: string;
}

/**
 * Asks Vault what the token may do on every configured path (one capabilities-self call),
 * then reads static KV paths to see that they exist. Reads nothing that would mint a
 * credential or a certificate.
 */
export async function runCheck(
  targets: CheckTarget[],
  deps: { client: VaultClient; retrier: Retrier; mounts: KvMounts; token: string; out: Output },
): Promise<CheckRow[]> {
  const aclPaths = [...new Set(targets.filter((t) => !t.undetected).map((t) => t.aclPath))];
  const answer = await askCapabilities(aclPaths, deps);
  const caps = answer?.data ?? {};
  return Promise.all(
    targets.map(async (target): Promise<CheckRow> => {
      if (target.undetected) {
        return { path: target.path, capabilities: [], allowed: false, note: 'unknown KV version' };
      }
      const capabilities = caps[target.aclPath] ?? [];
      const allowed =
        capabilities.includes('root') ||
        capabilities.includes(target.needs) ||
        (target.needs === 'update' && capabilities.includes('create'));
      const exists = target.probe && allowed ? await probe(target, deps) : undefined;
      return { path: target.path, capabilities, allowed, exists };
    }),
  );
}

async function askCapabilities(paths: string[], deps: Parameters<typeof runCheck>[1]) {
  if (paths.length === 0) return undefined;
  try {
    return await deps.retrier.idempotent('capabilities-self', () =>
      deps.client.request<Record<string, string[]>>('POST', 'sys/capabilities-self', {
        token: deps.token,
        body: { paths },
      }),
    );
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    throw new AuthError(
      "the token may not call sys/capabilities-self (Vault's default policy allows it; " +
        'this token has a policy set without it), so check cannot ask what it may read',
      { cause: error },
    );
  }
}

async function probe(target: CheckTarget, deps: Parameters<typeof runCheck>[1]): Promise<boolean> {
  try {
    const secret = await readSecret(
      { path: target.path, version: target.probe?.version, kvVersion: target.probe?.kv },
      deps,
    );
    deps.out.redactor.addAll(secret.data);
    return true;
  } catch (error) {
    if (error instanceof VaultDataError) return false;
    throw error;
  }
}

/** The table `keyturn check` prints: paths and verdicts only, never values. */
export function formatCheckTable(rows: CheckRow[]): string {
  const header = ['PATH', 'READABLE', 'EXISTS', 'CAPABILITIES'];
  const lines = rows.map((r) => [
    r.path,
    r.allowed ? 'yes' : 'NO',
    r.exists === undefined ? '-' : r.exists ? 'yes' : 'NO',
    r.note ?? (r.capabilities.join(',') || 'none'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  return [header, ...lines]
    .map((cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
