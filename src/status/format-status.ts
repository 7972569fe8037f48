import type { StatusFacts, StatusVerdict } from './judge-status.ts';

/**
 * The allow-list of what `status` prints: instants, counts, paths, the accessor and the
 * pid. Built field by field (never by spreading the state), so a token or secret added to
 * the state one day still could not reach a health-check log.
 */
export function statusFields(facts: StatusFacts, verdict: StatusVerdict) {
  const state = facts.state;
  const iso = (ms: number | undefined) =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  return {
    healthy: verdict.healthy,
    stateFile: facts.stateFile,
    mode: state?.mode,
    pid: state?.pid,
    startedAt: state?.startedAt,
    accessor: state?.token.accessor,
    tokenExpiresAt: iso(state?.token.expiresAt),
    tokenRenewable: state?.token.renewable,
    lastRenewalAt: iso(state?.lastRenewalAt),
    files: facts.files.length,
    certs: facts.certs.map((cert) => ({ path: cert.path, notAfter: iso(cert.notAfter) })),
    leases: state?.leases.length ?? 0,
    checks: verdict.checks.map(({ name, ok, detail }) => ({ name, ok, detail })),
  };
}

/** A short table for a person (or a health-check log). */
export function statusTable(verdict: StatusVerdict): string {
  const lines = [`keyturn status: ${verdict.healthy ? 'healthy' : 'UNHEALTHY'}`];
  for (const check of verdict.checks) {
    lines.push(`  ${check.name.padEnd(8)} ${(check.ok ? 'ok' : 'FAIL').padEnd(5)} ${check.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
