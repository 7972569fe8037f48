import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runKeyturn } from '../e2e/run-keyturn.ts';
import { setupApp, startVaultServer, tempDir } from '../e2e/vault-fixture.ts';
import { fuzzInputJson, mutateYaml, pick, seeded } from './mutate.ts';

/*
 * Issue 12: a seeded fuzz of configs (`config check`) and `--input-json` payloads
 * (`prestart` against the test server). Whatever the input: an exit code of SPEC §7 but
 * never 70, no stack trace, no hang, and no secret ID echoed. The cases run in one child
 * process through the real CLI code (runCli), so ~450 cases take seconds; a sample also runs
 * through the built CLI. KEYTURN_FUZZ_SEED picks another seed; failures print the seed.
 */

const SEED = Number(process.env.KEYTURN_FUZZ_SEED ?? 20261202);
const CONFIG_CASES = 300;
const PAYLOAD_CASES = 150;
const allowed = new Set([0, 1, 64, 65, 69, 73, 77]);
const stackLine = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

interface Case {
  argv: string[];
  stdin: string;
  cwd: string;
  label: string;
  secrets: string[];
}

const payloadConfig = `vault: { timeout: 2s, retry: { initial: 20ms, max: 50ms, give_up_after: 1s } }
auth:
  approle: { wrapped: auto }
secrets:
  - { path: secret/app/db, format: json, to: out/db.json }
`;

async function makeCases(dir: string): Promise<Case[]> {
  const random = seeded(SEED);
  const corpus = [
    await readFile(
      fileURLToPath(new URL('../config/fixtures/spec-example.yaml', import.meta.url)),
      'utf8',
    ),
    payloadConfig,
    'secrets:\n  - { path: secret/a, format: files, to: out/a/ }\ntemplates:\n  - { source: a.tmpl, to: out/a.ini, mode: "0400" }\n',
    'auth:\n  jwt: { role: ci, jwt: { env: CI_JOB_JWT } }\ncerts:\n  - { mount: pki, role: web, common_name: a, cert: c.pem, key: k.pem, renew_at: 0.66 }\n',
  ];
  const cases: Case[] = [];
  for (let i = 0; i < CONFIG_CASES; i++) {
    let text = pick(random, corpus);
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) text = mutateYaml(text, random);
    const file = join(dir, `config-${i}.yaml`);
    await writeFile(file, text);
    cases.push({ argv: ['config', 'check', file], stdin: '', cwd: dir, label: file, secrets: [] });
  }
  const config = join(dir, 'payload.yaml');
  await writeFile(config, payloadConfig);
  for (let i = 0; i < PAYLOAD_CASES; i++) {
    const stdin = fuzzInputJson(random);
    const secrets = [...stdin.matchAll(/"(?:secretId|roleId|passphrase)":"([^"]{8,})"/g)].map(
      (m) => JSON.parse(`"${m[1]}"`) as string,
    );
    cases.push({
      argv: ['prestart', '--input-json', '--config', config, '--log-level', 'debug'],
      stdin,
      cwd: dir,
      label: `payload ${JSON.stringify(stdin.slice(0, 120))}`,
      secrets,
    });
  }
  return cases;
}

interface Outcome {
  index: number;
  code: number;
  ms: number;
}

/** Runs every case in one child; resolves with each case's outcome and its stderr. */
function runAll(cases: Case[], env: Record<string, string>, budgetMs: number) {
  const runner = fileURLToPath(new URL('./fuzz-runner.ts', import.meta.url));
  const child = spawn(process.execPath, [runner], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...env },
    stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let results = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdio[3]?.on('data', (chunk: Buffer) => {
    results += chunk.toString();
  });
  child.stdin?.end(
    `${cases.map((c) => JSON.stringify({ argv: c.argv, stdin: c.stdin, cwd: c.cwd })).join('\n')}\n`,
  );
  return new Promise<{ outcomes: Outcome[]; stderrOf: (i: number) => string; hung: boolean }>(
    (resolve) => {
      // A hang anywhere shows as the runner still going when the budget is spent.
      const timer = setTimeout(() => child.kill('SIGKILL'), budgetMs);
      child.on('close', (_code, signal) => {
        clearTimeout(timer);
        const outcomes = results
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Outcome);
        const parts = stderr.split(/\n@@FUZZ-CASE (\d+)@@\n/);
        const byCase = new Map<number, string>();
        for (let i = 1; i < parts.length; i += 2) byCase.set(Number(parts[i]), parts[i + 1] ?? '');
        resolve({ outcomes, stderrOf: (i) => byCase.get(i) ?? '', hung: signal === 'SIGKILL' });
      });
    },
  );
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`${CONFIG_CASES} mutated configs and ${PAYLOAD_CASES} --input-json payloads: no 70, no stack trace, no hang, no echo`, async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await setupApp(vault);
    await vault.write('secret/data/app/db', { data: { password: 'fuzz-db-password-1' } });
    const cases = await makeCases(dir.path);
    const started = Date.now();
    const { outcomes, stderrOf, hung } = await runAll(
      cases,
      { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId },
      40_000,
    );
    const elapsed = Date.now() - started;
    console.log(
      `fuzz seed ${SEED}: ${outcomes.length} cases in ${elapsed} ms; exit codes ${JSON.stringify(
        Object.fromEntries(
          [...new Set(outcomes.map((o) => o.code))].map((c) => [
            c,
            outcomes.filter((o) => o.code === c).length,
          ]),
        ),
      )}; slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`,
    );
    const problems: string[] = [];
    if (hung)
      problems.push(`the runner did not finish within 40 s (case ${outcomes.length} hangs?)`);
    if (outcomes.length !== cases.length)
      problems.push(`${outcomes.length}/${cases.length} cases ran`);
    for (const outcome of outcomes) {
      const c = cases[outcome.index] as Case;
      const text = stderrOf(outcome.index);
      if (!allowed.has(outcome.code))
        problems.push(`${c.label}: exit ${outcome.code}\n${text.slice(0, 600)}`);
      if (stackLine.test(text)) problems.push(`${c.label}: stack trace\n${text.slice(0, 600)}`);
      if (outcome.ms > 10_000) problems.push(`${c.label}: took ${outcome.ms} ms`);
      for (const secret of c.secrets)
        if (text.includes(secret)) problems.push(`${c.label}: echoed a secret`);
      for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
        try {
          JSON.parse(line);
        } catch {
          problems.push(`${c.label}: a log line is not JSON: ${line.slice(0, 200)}`);
          break;
        }
      }
    }
    expect(problems, `seed ${SEED}`).toEqual([]);
  }, 60_000);

  it('a sample through the built CLI gives the same kind of answers', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await setupApp(vault);
    const cases = (await makeCases(dir.path)).filter((_, i) => i % 50 === 0);
    for (const c of cases) {
      const result = await runKeyturn(c.argv, {
        cwd: c.cwd,
        stdin: c.stdin,
        env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId },
        timeoutMs: 15_000,
      });
      expect(
        allowed.has(result.code ?? -1),
        `${c.label}: exit ${result.code}\n${result.stderr}`,
      ).toBe(true);
      expect(stackLine.test(result.stderr), `${c.label}\n${result.stderr}`).toBe(false);
    }
  }, 60_000);
});
