import { dirname, resolve } from 'node:path';
import type { StateMode } from '../agent/agent-state.ts';
import { writeStartState } from '../agent/prestart-state.ts';
import { appRoleLogin, type LoginResult } from '../auth/approle-login.ts';
import { createRetrier } from '../auth/retrier.ts';
import type { Config } from '../config/config-types.ts';
import { sweepTempFiles } from '../files/sweep.ts';
import { validateFileSet, type WriteSetResult, writeFileSet } from '../files/write-set.ts';
import type { Output } from '../log/output.ts';
import { type Fetched, fetchAll } from '../sources/fetch-all.ts';
import { KvMounts } from '../sources/kv-mounts.ts';
import type { Lease } from '../sources/read-secret.ts';
import type { VaultClient } from '../vault/client.ts';
import { judgeCertSet } from './cert-set-on-disk.ts';
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
  const { config, client, out, cwd, now } = input;
  const log = out.log;
  const retrier = createRetrier(config.vault.retry, log, input.signal);

  const targets = destinations(config, cwd);
  // Checked before the sweep, so nothing is removed from a directory keyturn will refuse.
  await validateFileSet(targets, { keyturnUid: input.uid });
  await checkTemplates(config.templates, cwd);
  const swept = await sweepTempFiles([...new Set(targets.map((t) => dirname(t.path)))]);
  if (swept.length > 0)
    log.warn({ files: swept }, 'removed temporary files left by an interrupted run');

  const login = await appRoleLogin(config.auth.approle, {
    client,
    retrier,
    log,
    redactor: out.redactor,
    env: input.env,
    now,
  });
  try {
    const certRequests = await Promise.all(
      config.certs.map(async (cert) => {
        const verdict = await judgeCertSet(cert, cwd, now(), out.redactor);
        if (verdict.keep) {
          log.info({ cert: resolve(cwd, cert.cert) }, 'certificate on disk is still good');
          return undefined;
        }
        log.info(
          { cert: resolve(cwd, cert.cert), reason: verdict.reason },
          'issuing a certificate',
        );
        return cert;
      }),
    );
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
    const leases = [...fetched.secrets, ...fetched.certs].flatMap((f) =>
      f?.lease ? [f.lease] : [],
    );
    if (input.stateFile) {
      await writeStartState(
        config,
        { login, fetched, files },
        { file: input.stateFile, mode: input.stateMode ?? 'prestart', uid: input.uid, cwd, log },
      );
    }
    return { login, leases, files, fetched, mounts };
  } catch (error) {
    await revokeToken(client, login, out);
    throw error;
  }
}

/** A failed run leaves nothing minted behind: the token goes, and its leases with it. */
async function revokeToken(client: VaultClient, login: LoginResult, out: Output): Promise<void> {
  try {
    await client.request('POST', 'auth/token/revoke-self', { token: login.token });
    out.log.info({ accessor: login.accessor }, 'revoked the token of the failed run');
  } catch (error) {
    out.log.warn(
      { accessor: login.accessor, error: String(error) },
      'could not revoke the token of the failed run',
    );
  }
}
