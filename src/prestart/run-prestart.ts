import { dirname } from 'node:path';
import type { LoginResult } from '../auth/auth-method.ts';
import { authMethod } from '../auth/auth-methods.ts';
import { authenticate } from '../auth/authenticate.ts';
import type { Env } from '../auth/credential-source.ts';
import { revokeToken } from '../auth/revoke-token.ts';
import type { CertConfig, Config } from '../config/config-types.ts';
import { sweepTempFiles } from '../files/sweep.ts';
import { checkTemplate } from '../files/templates.ts';
import { validateFileSet, type WriteSetResult, writeFileSet } from '../files/write-set.ts';
import type { Output } from '../log/output.ts';
import { destinations, type PlannedOutput, planOutputs } from '../outputs/output-plan.ts';
import { renderOutputs } from '../outputs/render-output.ts';
import { templateSourceOptions } from '../outputs/template-source-options.ts';
import { type CertLifetime, judgeCertSet } from '../sources/cert-on-disk.ts';
import { type Fetched, fetchAll } from '../sources/fetch-all.ts';
import { KvMounts } from '../sources/kv-mounts.ts';
import type { VaultClient } from '../vault/client.ts';
import { createRetrier, type Retrier } from '../vault/retrier.ts';

export interface PrestartInput {
  config: Config;
  client: VaultClient;
  env: Env;
  out: Output;
  signal: AbortSignal;
  uid: number;
  now: () => number;
}

export interface PrestartResult {
  login: LoginResult;
  /** Everything fetched, by config index: the renewer starts from it. */
  fetched: Fetched;
  /** Each configured certificate in use, issued now or kept from disk, by config index. */
  certLifetimes: (CertLifetime | undefined)[];
  files: WriteSetResult;
  /** KV versions detected per mount, so the renewer does not ask again. */
  mounts?: KvMounts;
}

/**
 * The one-shot job (SPEC §§4–5): check every destination, log in, fetch everything, then
 * write every file. Nothing is written unless everything was fetched; destinations are
 * checked before the one-time secret ID is spent, so a typo in a path does not burn it.
 * Recording the run for `status` is the caller's business.
 */
export async function runPrestart(input: PrestartInput): Promise<PrestartResult> {
  const { config, client, out, now } = input;
  const retrier = createRetrier(config.vault.retry, out.log, input.signal);
  const outputs = planOutputs(config);
  await checkBeforeLogin(input, outputs);
  const login = await authenticate(authMethod(config.auth), {
    client,
    retrier,
    log: out.log,
    redactor: out.redactor,
    env: input.env,
    now,
  });
  try {
    return await fetchAndWrite(input, retrier, login, outputs);
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
async function checkBeforeLogin(
  { config, uid, out }: PrestartInput,
  outputs: PlannedOutput[],
): Promise<void> {
  const targets = destinations(outputs);
  // Checked before the sweep, so nothing is removed from a directory keyturn will refuse.
  await validateFileSet(targets, { keyturnUid: uid });
  for (const template of config.templates)
    await checkTemplate(template.source, templateSourceOptions(template, uid));
  const swept = await sweepTempFiles([...new Set(targets.map((t) => dirname(t.path)))]);
  if (swept.length > 0)
    out.log.warn({ files: swept }, 'removed temporary files left by an interrupted run');
}

/** Everything after the login: fetch all, then write all. */
async function fetchAndWrite(
  input: PrestartInput,
  retrier: Retrier,
  login: LoginResult,
  outputs: PlannedOutput[],
): Promise<PrestartResult> {
  const { config, client, out } = input;
  const log = out.log;
  const judged = await judgeCerts(input);
  const mounts = new KvMounts(client, retrier, () => login.token, log);
  const fetched = await fetchAll(
    config.secrets.map((s) => ({ path: s.path, version: s.version, kvVersion: s.kvVersion })),
    judged.map((j) => (j.keep ? undefined : j.cert)),
    { client, retrier, mounts, token: login.token, redactor: out.redactor, log },
  );
  const planned = await renderOutputs(
    outputs,
    config,
    { ...fetched, token: login.token },
    input.uid,
  );
  const files = await writeFileSet(planned, { keyturnUid: input.uid });
  for (const path of files.written) log.info({ to: path }, 'written');
  for (const path of files.unchanged) log.debug({ to: path }, 'unchanged');
  const certLifetimes = judged.map((j, index) => {
    const issued = fetched.certs[index];
    if (!issued) return j.lifetime;
    const { notBeforeMs, notAfterMs } = issued;
    // Counted from the login: the certificate came just after it, so this errs early.
    return { notBeforeMs, notAfterMs, receivedAtMs: login.issuedAtMs };
  });
  return { login, fetched, certLifetimes, files, mounts };
}

/** Each configured certificate, and whether the set on disk can stay (SPEC §5). */
function judgeCerts({ config, now, out }: PrestartInput) {
  return Promise.all(
    config.certs.map(async (cert: CertConfig) => {
      const verdict = await judgeCertSet(cert, now(), out.redactor);
      if (verdict.keep) {
        out.log.info({ cert: cert.cert }, 'certificate on disk is still good');
        return { cert, keep: true, lifetime: verdict.lifetime } as const;
      }
      out.log.info({ cert: cert.cert, reason: verdict.reason }, 'issuing a certificate');
      return { cert, keep: false, lifetime: undefined } as const;
    }),
  );
}
