import { X509Certificate } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import type { Config } from '../config/config-types.ts';
import { readAgentState } from '../state/agent-state.ts';
import { isProcessAlive } from '../state/process-alive.ts';
import type { StatusFacts } from './judge-status.ts';

/**
 * Reads what `status` judges from local state only: the state file, each file it lists,
 * each certificate's own notAfter, and whether the recorded renewer pid still runs.
 */
export async function gatherStatus(config: Config, stateFile: string): Promise<StatusFacts> {
  const facts: StatusFacts = { stateFile, files: [], certs: [], tokenUsers: [] };
  try {
    facts.state = await readAgentState(stateFile);
  } catch (error) {
    facts.stateError = (error as Error).message;
  }
  const state = facts.state;
  if (!state) return facts;
  facts.files = await Promise.all(
    state.files.map(async (path) => ({ path, present: await isRegularFile(path) })),
  );
  const certPaths = new Set([
    ...state.certs.map((cert) => cert.path),
    ...config.certs.map((cert) => cert.cert),
  ]);
  facts.certs = await Promise.all([...certPaths].map(readCertExpiry));
  if (state.mode !== 'prestart' && state.pid !== undefined) {
    facts.renewerAlive = isProcessAlive(state.pid);
  }
  if (config.token.sink) facts.tokenUsers.push(`sink ${config.token.sink.path}`);
  if (state.mode !== 'prestart') facts.tokenUsers.push('renewer');
  return facts;
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}

/** The certificate's own notAfter: the file is the truth, not what the renewer last wrote. */
async function readCertExpiry(path: string): Promise<StatusFacts['certs'][number]> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    return { path, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const x509 = new X509Certificate(pem);
    return { path, notAfter: Date.parse(x509.validTo) };
  } catch {
    return { path, error: 'not a PEM certificate' };
  }
}
