import type { Config } from '../config/config-types.ts';
import type { PrestartResult } from '../prestart/run-prestart.ts';
import type { Clock } from '../timing/clock.ts';
import { holdLease } from './fetch-item.ts';
import { heldToken, LiveSet } from './live-set.ts';
import type { RenewerMetrics } from './renewer-metrics.ts';

/** What the renewer starts from: the login, data, certificates and leases of the prestart that just ran. */
export function liveFromPrestart(
  config: Config,
  start: Pick<PrestartResult, 'login' | 'fetched' | 'certLifetimes'>,
  deps: { metrics: RenewerMetrics },
): LiveSet {
  const { login, fetched } = start;
  const live = new LiveSet(
    heldToken(login),
    [...fetched.secrets],
    [...fetched.certs],
    [...start.certLifetimes],
  );
  // The leases were granted just after the login: counting from it errs on the early side.
  const clock: Clock = { now: () => login.issuedAtMs };
  const at = { ...deps, config, live, clock };
  fetched.secrets.forEach((secret, index) => {
    holdLease(at, { kind: 'secret', index }, secret.lease);
  });
  fetched.certs.forEach((cert, index) => {
    holdLease(at, { kind: 'cert', index }, cert?.lease);
  });
  deps.metrics.tokenTtl(login.ttlMs / 1000);
  return live;
}
