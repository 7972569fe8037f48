import { resolve } from 'node:path';
import type { Config } from '../config/config-types.ts';
import type { PrestartResult } from '../prestart/run-prestart.ts';
import type { Clock } from '../timing/clock.ts';
import { readCertLifetime } from './cert-lifetime.ts';
import { holdLease } from './fetch-item.ts';
import { heldToken, LiveSet } from './live-set.ts';
import type { RenewerMetrics } from './renewer-metrics.ts';

/** What the renewer starts from: the login, data and leases of the prestart that just ran. */
export async function liveFromPrestart(
  config: Config,
  cwd: string,
  start: Pick<PrestartResult, 'login' | 'fetched'>,
  deps: { clock: Clock; metrics: RenewerMetrics },
): Promise<LiveSet> {
  const { login, fetched } = start;
  const lifetimes = await Promise.all(
    config.certs.map((cert, index) => {
      const issued = fetched.certs[index];
      if (issued) {
        const { notBeforeMs, notAfterMs } = issued;
        return { notBeforeMs, notAfterMs, receivedAtMs: login.issuedAtMs };
      }
      return readCertLifetime(resolve(cwd, cert.cert));
    }),
  );
  const live = new LiveSet(heldToken(login), [...fetched.secrets], [...fetched.certs], lifetimes);
  // The leases were granted just after the login: counting from it errs on the early side.
  const at = { ...deps, config, live, clock: { now: () => login.issuedAtMs } };
  fetched.secrets.forEach((secret, index) => {
    holdLease(at, { kind: 'secret', index }, secret.lease);
  });
  fetched.certs.forEach((cert, index) => {
    holdLease(at, { kind: 'cert', index }, cert?.lease);
  });
  deps.metrics.tokenTtl(login.ttlMs / 1000);
  return live;
}
