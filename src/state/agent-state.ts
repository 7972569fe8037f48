import { readFile } from 'node:fs/promises';
import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

/**
 * Who wrote the state: a foreground agent, a `prestart --daemon` renewer, `exec` (renewing
 * beside its child), or a one-shot prestart.
 */
export type StateMode = 'agent' | 'daemon' | 'exec' | 'prestart';

/**
 * What `status` judges health from without asking Vault (SPEC §1): never a token or a secret,
 * only accessors, paths, lease IDs and instants (epoch ms).
 */
export interface AgentState {
  version: 1;
  /** The renewer's pid; absent for `prestart`, which leaves nothing running. */
  pid?: number;
  /** ISO 8601. */
  startedAt: string;
  mode: StateMode;
  token: { accessor: string; expiresAt: number; renewable: boolean };
  /** Every destination written (or found up to date). */
  files: string[];
  certs: { path: string; notAfter: number }[];
  leases: { id: string; path: string; expiresAt: number }[];
  /** Last successful renewal of anything (epoch ms). */
  lastRenewalAt?: number;
  /** Output groups whose last render or write failed (SPEC §6): `status` is unhealthy. */
  failing?: FailingGroup[];
}

/** An output group that could not be rendered or written, and since when (epoch ms). */
export interface FailingGroup {
  /** The group's label: a Vault path, `cert <common name>`, `template <source>`, `token sink`. */
  group: string;
  /** keyturn's message (never a secret: it passed the same rules as every error). */
  error: string;
  since: number;
}

/** Writes the state file atomically, 0600: readable by keyturn's user only. */
export async function writeAgentState(
  file: string,
  state: AgentState,
  keyturnUid: number,
): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, {
    mode: 0o600,
    keyturnUid,
  });
}

/** Reads the state file; undefined when there is none, an error (exit 1) when it is unreadable. */
export async function readAgentState(file: string): Promise<AgentState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, (error as NodeJS.ErrnoException).code ?? 'error', error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, 'not JSON', error);
  }
  if (!isAgentState(parsed)) throw unreadable(file, 'not a keyturn state (version 1)');
  return parsed;
}

/** Every field status reads, checked: a corrupt or hand-edited state is "unreadable" (1), never a crash (70). */
function isAgentState(value: unknown): value is AgentState {
  const state = value as Partial<AgentState> | null;
  return (
    typeof state === 'object' &&
    state !== null &&
    state.version === 1 &&
    (state.pid === undefined || (Number.isSafeInteger(state.pid) && state.pid > 0)) &&
    typeof state.startedAt === 'string' &&
    typeof state.token === 'object' &&
    state.token !== null &&
    typeof state.token.accessor === 'string' &&
    isInstant(state.token.expiresAt) &&
    typeof state.token.renewable === 'boolean' &&
    Array.isArray(state.files) &&
    state.files.every((file) => typeof file === 'string') &&
    Array.isArray(state.certs) &&
    state.certs.every((cert) => typeof cert?.path === 'string' && isInstant(cert.notAfter)) &&
    Array.isArray(state.leases) &&
    state.leases.every(
      (lease) =>
        typeof lease?.id === 'string' &&
        typeof lease.path === 'string' &&
        isInstant(lease.expiresAt),
    ) &&
    (state.lastRenewalAt === undefined || isInstant(state.lastRenewalAt))
  );
}

/** Epoch ms that a Date can hold (±8.64e15); 0 is "never expires". */
function isInstant(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15;
}

function unreadable(file: string, why: string, cause?: unknown): KeyturnError {
  return new KeyturnError('state-unreadable', ExitCode.unhealthy, `cannot read ${file}: ${why}`, {
    cause,
    details: { path: file },
  });
}
