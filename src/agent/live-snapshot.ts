import type { Config } from '../config/config-types.ts';
import type { AgentState, FailingGroup, StateMode } from '../state/agent-state.ts';
import type { LiveSet } from './live-set.ts';

export interface SnapshotMeta {
  mode: StateMode;
  pid?: number;
  startedAt: string;
  /** Every destination of the last complete write. */
  files: string[];
  /** Output groups failing now (the renewer's rewriter). */
  failing?: FailingGroup[];
}

/** The state file's view of what the renewer (or a prestart) holds: no token, no secret. */
export function liveSnapshot(config: Config, live: LiveSet, meta: SnapshotMeta): AgentState {
  const certs = config.certs.flatMap((cert, index) => {
    const lifetime = live.certLifetimes[index];
    return lifetime ? [{ path: cert.cert, notAfter: lifetime.notAfterMs }] : [];
  });
  return {
    version: 1,
    ...(meta.pid === undefined ? {} : { pid: meta.pid }),
    startedAt: meta.startedAt,
    mode: meta.mode,
    token: {
      accessor: live.token.accessor,
      expiresAt: live.token.expiresAtMs,
      renewable: live.token.renewable,
    },
    files: meta.files,
    certs,
    leases: live.leases().map((lease) => ({
      id: lease.id,
      path: lease.path,
      expiresAt: lease.grantedAtMs + lease.durationMs,
    })),
    ...(live.lastRenewalAtMs === undefined ? {} : { lastRenewalAt: live.lastRenewalAtMs }),
    ...(meta.failing?.length ? { failing: meta.failing } : {}),
  };
}
