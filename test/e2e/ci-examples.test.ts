import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { examplePath, launcherWorld, repoRoot } from './launcher-world.ts';
import { cliPath, expectNoSecrets, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

/*
 * The CI examples are documentation that must keep working: their YAML parses, every repo
 * file they name exists, every flag they pass is one keyturn knows, and their
 * `issue-secret-id` lines run as written against the test server (through a real shell, with
 * the CI's variables set). Their `launch` lines need a Docker engine: test/docker/launch.test.ts
 * runs them.
 */

/** The shell text of every step that calls keyturn. */
function keyturnScripts(name: string, text: string): string[] {
  if (name === 'Jenkinsfile')
    return [...text.matchAll(/\bsh '([^']*keyturn[^']*)'/g)].map((m) => m[1] ?? '');
  const doc = parse(text) as Record<string, unknown>;
  const scripts: string[] = [];
  JSON.stringify(doc, (key, value) => {
    if ((key === 'run' || key === 'script') && JSON.stringify(value).includes('keyturn'))
      scripts.push(Array.isArray(value) ? value.join('\n') : String(value));
    return value;
  });
  return scripts;
}

/** One `keyturn ...` invocation per line of a script (a folded YAML block is one line). */
function invocations(script: string): string[] {
  return script
    .split('\n')
    .flatMap((line) => line.match(/keyturn [^)\n]*/g) ?? [])
    .map((line) => line.trim());
}

const EXAMPLES = ['github-actions.yml', 'gitlab-ci.yml', 'Jenkinsfile'];

describe('examples/ci', { timeout: 90_000 }, () => {
  it.each(EXAMPLES)(
    '%s parses, names only files that exist and only flags keyturn knows',
    async (name) => {
      const text = await readFile(examplePath(name), 'utf8');
      const scripts = keyturnScripts(name, text);
      expect(scripts.length, `${name} calls keyturn`).toBeGreaterThan(0);
      for (const file of text.match(/examples\/[\w./-]+/g) ?? [])
        expect(existsSync(join(repoRoot, file)), `${name} names ${file}`).toBe(true);
      const globalHelp = (await runKeyturn(['--help'])).stdout;
      for (const line of scripts.flatMap(invocations)) {
        const command = /^keyturn ([\w-]+)/.exec(line)?.[1] ?? '';
        const help = await runKeyturn([command, '--help']);
        expect(help.code, `keyturn ${command} --help`).toBe(0);
        for (const flag of line.match(/(?<=\s)--[a-z-]+/g) ?? [])
          expect(`${help.stdout}${globalHelp}`, `${name}: keyturn ${command} ${flag}`).toContain(
            `${flag} `,
          );
      }
    },
  );

  it('the GitHub workflow asks for its OIDC token; the GitLab job declares its id_token for Vault', async () => {
    const github = parse(await readFile(examplePath('github-actions.yml'), 'utf8'));
    expect(github.permissions['id-token']).toBe('write');
    const gitlab = parse(await readFile(examplePath('gitlab-ci.yml'), 'utf8'));
    expect(gitlab.deploy.id_tokens.CI_JOB_JWT.aud).toBe('vault');
  });

  it("the GitLab job's keyturn lines run as written: role ID and a wrapped secret ID from the job's id_token", async () => {
    await using world = await launcherWorld();
    await using bin = await tempDir();
    const shim = join(bin.path, 'keyturn');
    await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
    await chmod(shim, 0o755);
    const gitlab = parse(await readFile(examplePath('gitlab-ci.yml'), 'utf8'));
    const lines = (gitlab.deploy.script as string[]).filter((line) => !line.startsWith('docker '));
    const script = ['set -e', ...lines, 'echo "$VAULT_ROLE_ID"', 'echo "$VAULT_SECRET_ID"'];
    const jwt = world.jwt();
    const result = await runShell(script.join('\n'), {
      PATH: `${bin.path}:${process.env.PATH}`,
      VAULT_ADDR: world.vault.addr,
      CI_JOB_JWT: jwt,
      CI_PIPELINE_ID: '777',
    });

    expect(result.code, result.stderr).toBe(0);
    const [roleId, wrapping] = result.stdout.trim().split('\n');
    expect(roleId).toBe(world.app.roleId);
    const unwrapped = await world.unwrap(wrapping ?? '');
    expect(unwrapped.status).toBe(200);
    const lookup = await world.vault.write('auth/approle/role/app/secret-id/lookup', {
      secret_id: unwrapped.secretId,
    });
    expect(lookup.body.data.metadata).toEqual({ pipeline: '777' });
    expectNoSecrets({ ...result, stdout: '' }, { jwt, wrapping, roleId });
  });
});

async function runShell(script: string, env: Record<string, string>) {
  const { spawn } = await import('node:child_process');
  return new Promise<{ code: number | null; signal: null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn('sh', ['-c', script], { cwd: repoRoot, env, timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => {
        stdout += c;
      });
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, signal: null, stdout, stderr }));
    },
  );
}
