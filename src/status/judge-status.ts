import type { AgentState } from '../state/agent-state.ts';

/** What `status` found on disk (and, with --online, in Vault): plain facts, no judgement. */
export interface StatusFacts {
  stateFile: string;
  /** The state file, or why it could not be read; undefined when there is none. */
  state?: AgentState;
  stateError?: string;
  /** Files the state lists, and whether each is there as a regular file. */
  files: { path: string; present: boolean }[];
  /** Certificates on disk with their own notAfter (read from the file), or why not. */
  certs: { path: string; notAfter?: number; error?: string }[];
  /** Whether the recorded renewer pid runs; undefined when none was started. */
  renewerAlive?: boolean;
  /**
   * What depends on the token after start: a configured sink, a renewer. Without either, a
   * prestart-only container's files stay good after the token expires (SPEC §1).
   */
  tokenUsers: string[];
  online?: { ok: boolean; ttlSeconds?: number; error?: string };
}

export interface StatusCheck {
  name: 'state' | 'files' | 'outputs' | 'certs' | 'token' | 'renewer' | 'vault';
  ok: boolean;
  detail: string;
}

export interface StatusVerdict {
  healthy: boolean;
  checks: StatusCheck[];
}

/**
 * Healthy (SPEC §1) when every file is present, no output group is failing (the renewer could
 * not render or write it at its last try), no certificate has expired, the token's
 * recorded expiry has not passed (when a sink or a renewer depends on it) and the renewer, if
 * one was started, still runs. Vault is asked only with --online, so an outage alone never
 * turns a fleet unhealthy.
 */
export function judgeStatus(facts: StatusFacts, now: number): StatusVerdict {
  const state = facts.state;
  const checks: StatusCheck[] = [stateCheck(facts)];
  if (state) {
    checks.push(
      filesCheck(facts),
      outputsCheck(state),
      certsCheck(facts, now),
      tokenCheck(state, facts.tokenUsers, now),
    );
    if (state.mode !== 'prestart') checks.push(renewerCheck(state, facts.renewerAlive));
  }
  if (facts.online) {
    const { ok, ttlSeconds, error } = facts.online;
    checks.push({
      name: 'vault',
      ok,
      detail: ok ? `token valid per lookup-self (ttl ${ttlSeconds ?? '?'}s)` : (error ?? 'failed'),
    });
  }
  return { healthy: checks.every((check) => check.ok), checks };
}

function stateCheck(facts: StatusFacts): StatusCheck {
  if (facts.state) {
    const pid = facts.state.pid === undefined ? '' : `, pid ${facts.state.pid}`;
    return { name: 'state', ok: true, detail: `${facts.stateFile} (${facts.state.mode}${pid})` };
  }
  const detail =
    facts.stateError ?? `no state at ${facts.stateFile}: prestart has not run for this config`;
  return { name: 'state', ok: false, detail };
}

function filesCheck(facts: StatusFacts): StatusCheck {
  const missing = facts.files.filter((file) => !file.present).map((file) => file.path);
  if (missing.length > 0)
    return { name: 'files', ok: false, detail: `missing: ${missing.join(', ')}` };
  return { name: 'files', ok: true, detail: `${facts.files.length} present` };
}

function outputsCheck(state: AgentState): StatusCheck {
  const failing = state.failing ?? [];
  if (failing.length === 0) return { name: 'outputs', ok: true, detail: 'no group failing' };
  const detail = failing
    .map((f) => `${f.group} failing since ${iso(f.since)}: ${f.error}`)
    .join('; ');
  return { name: 'outputs', ok: false, detail };
}

function certsCheck(facts: StatusFacts, now: number): StatusCheck {
  const bad = facts.certs.flatMap((cert) => {
    if (cert.notAfter === undefined) return [`${cert.path}: ${cert.error ?? 'unreadable'}`];
    if (cert.notAfter <= now) return [`${cert.path}: expired ${iso(cert.notAfter)}`];
    return [];
  });
  if (bad.length > 0) return { name: 'certs', ok: false, detail: bad.join('; ') };
  const first = Math.min(...facts.certs.map((cert) => cert.notAfter ?? Infinity));
  const detail =
    facts.certs.length === 0 ? 'none' : `${facts.certs.length} valid, first expiry ${iso(first)}`;
  return { name: 'certs', ok: true, detail };
}

function tokenCheck(state: AgentState, users: string[], now: number): StatusCheck {
  const { expiresAt, accessor } = state.token;
  if (expiresAt <= now) {
    const detail = `accessor ${accessor} expired ${iso(expiresAt)}`;
    if (users.length === 0) {
      return { name: 'token', ok: true, detail: `${detail}; unused (no sink, no renewer)` };
    }
    return { name: 'token', ok: false, detail: `${detail}; used by the ${users.join(' and ')}` };
  }
  const left = Math.round((expiresAt - now) / 1000);
  return {
    name: 'token',
    ok: true,
    detail: `accessor ${accessor} expires ${iso(expiresAt)} (${left}s)`,
  };
}

function renewerCheck(state: AgentState, alive: boolean | undefined): StatusCheck {
  if (state.pid === undefined) {
    return { name: 'renewer', ok: false, detail: `${state.mode} recorded no renewer pid` };
  }
  return alive
    ? { name: 'renewer', ok: true, detail: `pid ${state.pid} running` }
    : { name: 'renewer', ok: false, detail: `pid ${state.pid} is not running` };
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
