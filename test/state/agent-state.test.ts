import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AgentState, readAgentState, writeAgentState } from '../../src/state/agent-state.ts';
import { ensureStateDir, resolveStatePaths } from '../../src/state/state-paths.ts';

const uid = process.getuid?.() ?? 0;
const state: AgentState = {
  version: 1,
  pid: 7,
  startedAt: '2024-01-01T00:00:00.000Z',
  mode: 'daemon',
  token: { accessor: 'acc', expiresAt: 1_000, renewable: true },
  files: ['/o/a'],
  certs: [{ path: '/o/c.pem', notAfter: 2_000 }],
  leases: [{ id: 'database/creds/app/x', path: 'database/creds/app', expiresAt: 3_000 }],
  lastRenewalAt: 500,
};

describe('agent state file', () => {
  it('round-trips through a 0600 file in a 0700 directory', async () => {
    const base = await mkdtemp(join(tmpdir(), 'keyturn-state-'));
    try {
      const paths = resolveStatePaths({ stateDir: join(base, 'a', 'b') }, { flags: [] }, uid, {});
      await ensureStateDir(paths, uid);
      expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
      await writeAgentState(paths.stateFile, state, uid);
      expect((await stat(paths.stateFile)).mode & 0o777).toBe(0o600);
      expect(await readAgentState(paths.stateFile)).toEqual(state);
      expect(await readAgentState(join(base, 'missing.json'))).toBeUndefined();
      await writeFile(join(base, 'bad.json'), '{"version": 2}');
      await expect(readAgentState(join(base, 'bad.json'))).rejects.toMatchObject({
        exitCode: 1,
        message: expect.stringContaining('not a keyturn state'),
      });
      await writeFile(join(base, 'garbage.json'), 'not json');
      await expect(readAgentState(join(base, 'garbage.json'))).rejects.toThrow(/not JSON/);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
