import type { Config } from '../config/config-types.ts';
import { AuthError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { KvMounts, MountInfo } from '../sources/kv-mounts.ts';

/** One row of `keyturn check`: what is asked of Vault for one configured path. */
export interface CheckTarget {
  /** As configured: `secret/app/db`, or `pki/issue/web` for a certificate. */
  path: string;
  /** As the ACL sees it: KV v2 reads go through `<mount>/data/`. */
  aclPath: string;
  /** `read` for secrets; issuing a certificate is a write (`update`). */
  needs: 'read' | 'update';
  /** Static KV can be read without side effects to see that it exists; creds and PKI cannot. */
  probe?: { kv: 1 | 2; version?: number };
  /** The KV version could not be learnt (nor was it configured): prestart would fail here. */
  undetected?: boolean;
}

/** What `check` asks about each configured secret and certificate. */
export async function checkTargets(
  config: Config,
  mounts: KvMounts,
  log: Logger,
): Promise<CheckTarget[]> {
  const secrets = await Promise.all(
    config.secrets.map(async (secret): Promise<CheckTarget> => {
      let mount: MountInfo;
      try {
        mount = await mounts.resolve(secret.path, secret.kvVersion);
      } catch (error) {
        // A dry run reports every path; one that prestart could not even place is a "no".
        if (!(error instanceof AuthError)) throw error;
        log.warn({ path: secret.path }, error.message);
        return { path: secret.path, aclPath: secret.path, needs: 'read', undetected: true };
      }
      const rest = secret.path.slice(mount.mount.length);
      return {
        path: secret.path,
        aclPath: mount.kv === 2 ? `${mount.mount}data/${rest}` : secret.path,
        needs: 'read',
        probe: mount.kv ? { kv: mount.kv, version: secret.version } : undefined,
      };
    }),
  );
  const certs = config.certs.map((cert): CheckTarget => {
    const path = `${cert.mount}/issue/${cert.role}`;
    return { path, aclPath: path, needs: 'update' };
  });
  return [...secrets, ...certs];
}
