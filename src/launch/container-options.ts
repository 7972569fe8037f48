import type Dockerode from 'dockerode';
import type { LaunchSpec } from './launch-spec.ts';

/** What keyturn hands the container: where Vault is, the role ID and the wrapping token. */
export interface VaultHandover {
  address: string;
  roleId: string;
  wrappingToken: string;
  role: string;
  /** The secret ID's accessor (not a secret): lets an operator `--destroy` it later. */
  secretIdAccessor: string;
}

/** Labels keyturn adds: who launched it with which role; never the wrapping token. */
export const LABELS = { role: 'keyturn.role', accessor: 'keyturn.secret-id-accessor' };

/**
 * The Engine API's create body. The wrapping token travels only in Env (the API body, never
 * an argv or a label); `--env VAULT_ADDR=...` may point the container elsewhere than the
 * launcher (a different DNS name inside the network).
 */
export function containerOptions(
  spec: LaunchSpec,
  vault: VaultHandover,
  name: string | undefined,
): Dockerode.ContainerCreateOptions {
  const env = {
    VAULT_ADDR: vault.address,
    ...spec.env,
    VAULT_ROLE_ID: vault.roleId,
    VAULT_SECRET_ID: vault.wrappingToken,
  };
  return {
    Image: spec.image,
    ...(name === undefined ? {} : { name }),
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: {
      ...spec.labels,
      [LABELS.role]: vault.role,
      [LABELS.accessor]: vault.secretIdAccessor,
    },
    ...(spec.user === undefined ? {} : { User: spec.user }),
    ...(spec.cmd === undefined ? {} : { Cmd: spec.cmd }),
    HostConfig: {
      ...(spec.network === undefined ? {} : { NetworkMode: spec.network }),
      ...(spec.binds.length === 0 ? {} : { Binds: spec.binds }),
      ...(Object.keys(spec.tmpfs).length === 0 ? {} : { Tmpfs: spec.tmpfs }),
      ...(spec.init ? { Init: true } : {}),
    },
  };
}
