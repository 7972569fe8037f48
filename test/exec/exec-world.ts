import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, writeAgentConfig } from '../e2e/agent-world.ts';
import {
  type AppRoleSetup,
  mountEngines,
  setupApp,
  startVaultServer,
  tempDir,
  type VaultServer,
} from '../e2e/vault-fixture.ts';

/** `node <fixture> ...`: the child commands of these tests are tiny real programs. */
export function fixture(name: string, ...args: string[]): string[] {
  return [process.execPath, fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), ...args];
}

export interface ExecWorld extends AsyncDisposable {
  vault: VaultServer;
  dir: string;
  app: AppRoleSetup;
  /** A fresh wrapped secret ID, and the environment keyturn runs with. */
  env(extra?: Record<string, string>): Promise<Record<string, string>>;
  /** Writes keyturn.yaml (fast retries, state in the temp dir); returns its path. */
  config(body: string): Promise<string>;
  /** Writes a KV v2 secret under secret/app/. */
  kv(name: string, data: Record<string, unknown>): Promise<void>;
  /** The JSON lines print-env.mjs appended: one per start of the child. */
  starts(file: string): Promise<{ pid: number; env: Record<string, string> }[]>;
  /** The lines of a fixture's record file. */
  lines(file: string): Promise<string[]>;
}

/**
 * The test server with AppRole `app` (its role settings overridden by `role`), the usual
 * engines, and a temp dir for config and output.
 */
export async function execWorld(role: Record<string, unknown> = {}): Promise<ExecWorld> {
  const vault = await startVaultServer();
  const dir = await tempDir();
  await mountEngines(vault);
  const app = await setupApp(vault, role);
  const readLines = async (file: string) => {
    try {
      return (await readFile(join(dir.path, file), 'utf8')).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    vault,
    dir: dir.path,
    app,
    env: async (extra = {}) => ({
      VAULT_ADDR: vault.addr,
      VAULT_ROLE_ID: app.roleId,
      VAULT_SECRET_ID: await app.wrappedSecretId(),
      ...extra,
    }),
    config: (body) => writeAgentConfig(dir.path, `auth: { approle: { wrapped: true } }\n${body}`),
    kv: async (name, data) => {
      const response = await vault.write(`secret/data/app/${name}`, { data });
      if (response.status >= 300) throw new Error(`kv write: ${response.status}`);
    },
    starts: async (file) => (await readLines(file)).map((line) => JSON.parse(line)),
    lines: readLines,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await vault[Symbol.asyncDispose]();
    },
  };
}

/** Polls until the file has at least `count` lines (a fixture's record); returns them. */
export function linesAtLeast(world: ExecWorld, file: string, count: number, timeoutMs = 8000) {
  return eventually(
    () => world.lines(file),
    (lines) => lines.length >= count,
    timeoutMs,
  );
}
