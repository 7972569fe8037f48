import { dirname, resolve } from 'node:path';
import { writeStartState } from '../agent/prestart-state.ts';
import { appRoleLogin, type LoginResult } from '../auth/approle-login.ts';
import { revokeToken } from '../auth/revoke-token.ts';
import type { CertConfig, Config } from '../config/config-types.ts';
import { sweepTempFiles } from '../files/sweep.ts';
import { validateFileSet, type WriteSetResult, writeFileSet } from '../files/write-set.ts';
import type { Output } from '../log/output.ts';
import { judgeCertSet } from '../sources/cert-on-disk.ts';
import { type Fetched, fetchAll } from '../sources/fetch-all.ts';
import { KvMounts } from '../sources/kv-mounts.ts';
import type { Lease } from '../sources/read-secret.ts';
import type { StateMode } from '../state/agent-state.ts';
import type { VaultClient } from '../vault/client.ts';
import { createRetrier, type Retrier } from '../vault/retrier.ts';
import { checkTemplates } from './check-templates.ts';
import { destinations } from './destinations.ts';
import { planFiles } from './plan-files.ts';

export interface PrestartInput {
  config: Config;
  client: VaultClient;
  env: Readonly<Record<string, string | undefined>>;
  out: Output;
  signal: AbortSignal;
  cwd: string;
  uid: number;
  now: () => number;
  /** When set, what was written is recorded there for `keyturn status` (src/agent/agent-state.ts). */
  stateFile?: string;
  stateMode?: StateMode;
}

export interface PrestartResult {
  login: LoginResult;
  leases: Lease[];
  files: WriteSetResult;
  /** Everything fetched, by config index: the renewer starts from it. */
  fetched: Fetched;
  /** KV versions detected per mount, so the renewer does not ask again. */
  mounts?: KvMounts;
}

/**
 * The one-shot job (SPEC §§4–5): check every destination, log in, fetch everything, then
 * write every file. Nothing is written unless everything was fetched; destinations are
 * checked before the one-time secret ID is spent, so a typo in a path does not burn it.
 */
export async function runPrestart(input: PrestartInput): Promise<PrestartResult> {
  const { config, client, out, now } = input;
  const retrier = createRetrier(config.vault.retry, out.log, input.signal);
  await checkBeforeLogin(input);
  const login = await appRoleLogin(config.auth.approle, {
    client,
    retrier,
    log: out.log,
    redactor: out.redactor,
    env: input.env,
    now,
  });
  try {
    return await fetchAndWrite(input, retrier, login);
  } catch (error) {
    // A failed run leaves nothing minted behind: the token goes, and its leases with it.
    await revokeToken(client, login, out, {
      revoked: 'revoked the token of the failed run',
      failed: 'could not revoke the token of the failed run',
    });
    throw error;
  }
}

/** Every destination and template checked, leftovers swept: all before the secret ID is spent. */
async function checkBeforeLogin({ config, cwd, uid, out }: PrestartInput): Promise<void> {
  const targets = destinations(config, cwd);
  // Checked before the sweep, so nothing is removed from a directory keyturn will refuse.
  await validateFileSet(targets, { keyturnUid: uid });
  await checkTemplates(config.templates, cwd);
  const swept = await sweepTempFiles([...new Set(targets.map((t) => dirname(t.path)))]);
  if (swept.length > 0)
    out.log.warn({ files: swept }, 'removed temporary files left by an interrupted run');
}

/** Everything after the login: fetch all, write all, record the run for `status`. */
async function fetchAndWrite(
  input: PrestartInput,
  retrier: Retrier,
  login: LoginResult,
): Promise<PrestartResult> {
  const { config, client, out, cwd } = input;
  const log = out.log;
  const certRequests = await certsToIssue(input);
  const mounts = new KvMounts(client, retrier, () => login.token, log);
  const fetched = await fetchAll(
    config.secrets.map((s) => ({ path: s.path, version: s.version, kvVersion: s.kvVersion })),
    certRequests,
    { client, retrier, mounts, token: login.token, redactor: out.redactor, log },
  );
  const planned = await planFiles(config, fetched, login.token, cwd);
  const files = await writeFileSet(planned, { keyturnUid: input.uid });
  for (const path of files.written) log.info({ to: path }, 'written');
  for (const path of files.unchanged) log.debug({ to: path }, 'unchanged');
  const leases = [...fetched.secrets, ...fetched.certs].flatMap((f) => (f?.lease ? [f.lease] : []));
  if (input.stateFile) {
    await writeStartState(
      config,
      { login, fetched, files },
      { file: input.stateFile, mode: input.stateMode ?? 'prestart', uid: input.uid, cwd, log },
    );
  }
  return { login, leases, files, fetched, mounts };
}

/** Each configured certificate to issue, or undefined where the set on disk can stay (SPEC §5). */
function certsToIssue({
  config,
  cwd,
  now,
  out,
}: PrestartInput): Promise<(CertConfig | undefined)[]> {
  return Promise.all(
    config.certs.map(async (cert) => {
      const verdict = await judgeCertSet(cert, cwd, now(), out.redactor);
      if (verdict.keep) {
        out.log.info({ cert: resolve(cwd, cert.cert) }, 'certificate on disk is still good');
        return undefined;
      }
      out.log.info(
        { cert: resolve(cwd, cert.cert), reason: verdict.reason },
        'issuing a certificate',
      );
      return cert;
    }),
  );
}
