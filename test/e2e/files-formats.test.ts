import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { filesWorld } from './files-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const mode = async (path: string) => (await stat(path)).mode & 0o7777;

const envData = {
  PLAIN: 'simple-value',
  QUOTES: `it's "double" and 'single'`,
  SPACES: '  two  spaces  and\ttab ',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} the shell must not expand
  DOLLAR: '$HOME ${PATH} $(id) `id` \\n \\',
  LINES: 'first line\nsecond line\n',
};
// Keys in Vault's order (Go sorts map keys), so the expected contents are exact.
const dockerData = { DB_PASS: `p@ss w0rd="x" 'y' $z #not-a-comment`, DB_USER: 'app-user' };
const jsonData = { nested: { list: ['a', 'b'], on: true }, port: 5432, user: 'json-user' };
const pem = '-----BEGIN SECRET-----\nraw-field-value-0123\n-----END SECRET-----';
const html = `<b>&amp;"quoted"'single'</b>`;

describe('keyturn prestart: every format through the CLI', () => {
  it('writes env, docker-env, json, yaml, raw, files and a template with exact contents', async () => {
    await using world = await filesWorld();
    const { vault, dir } = world;
    await vault.write('secret/data/app/env', { data: envData });
    await vault.write('secret/data/app/docker', { data: dockerData });
    await vault.write('secret/data/app/json', { data: jsonData });
    await vault.write('kv/app/raw', { pem, other: 'unused-other-field' });
    await vault.write('secret/data/app/files', {
      data: { 'tls.crt': 'file-one-content', 'tls.key': 'file-two-content\n' },
    });
    await vault.write('kv/app/html', { markup: html });
    await writeFile(
      join(dir, 'app.tmpl'),
      'user={{secrets.docker.DB_USER}}\nmarkup={{secrets.html.markup}}\ntriple={{{secrets.html.markup}}}\n',
    );
    await world.config(`
secrets:
  - { path: secret/app/env, format: env, to: out/app.env }
  - { path: secret/app/docker, format: docker-env, to: out/docker.env, name: docker }
  - { path: secret/app/json, format: json, to: out/app.json }
  - { path: secret/app/json, format: yaml, to: out/app.yaml }
  - { path: kv/app/raw, field: pem, to: out/raw.pem }
  - { path: secret/app/files, format: files, to: out/files }
  - { path: kv/app/html, name: html }
templates:
  - { source: app.tmpl, to: out/app.ini }
`);

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(0);
    const out = (name: string) => join(dir, 'out', name);
    const read = (name: string) => readFile(out(name), 'utf8');
    // env: sourced by a POSIX shell, every value comes back byte for byte.
    for (const [key, value] of Object.entries(envData)) {
      const sourced = execFileSync(
        'sh',
        ['-c', `. "$1"; printf %s "$${key}"`, 'sh', out('app.env')],
        {
          env: {},
        },
      ).toString();
      expect(sourced, key).toBe(value);
    }
    expect(await read('app.env')).toMatch(/^(export [A-Z]+='[^\n]*(\n[^\n]*)*'\n)+$/);
    expect(await read('docker.env')).toBe(
      `DB_PASS=p@ss w0rd="x" 'y' $z #not-a-comment\nDB_USER=app-user\n`,
    );
    expect(await read('app.json')).toBe(`${JSON.stringify(jsonData, null, 2)}\n`);
    expect(await read('app.yaml')).toBe(
      'nested:\n  list:\n    - a\n    - b\n  on: true\nport: 5432\nuser: json-user\n',
    );
    expect(parse(await read('app.yaml'))).toEqual(jsonData);
    expect(await read('raw.pem')).toBe(pem); // byte for byte: no newline added
    expect((await readdir(out('files'))).sort()).toEqual(['tls.crt', 'tls.key']);
    expect(await read('files/tls.crt')).toBe('file-one-content');
    expect(await read('files/tls.key')).toBe('file-two-content\n');
    expect(await read('app.ini')).toBe(`user=app-user\nmarkup=${html}\ntriple=${html}\n`);
    for (const name of ['app.env', 'docker.env', 'app.json', 'app.yaml', 'raw.pem', 'app.ini'])
      expect(await mode(out(name)), name).toBe(0o400);
    for (const name of ['files/tls.crt', 'files/tls.key'])
      expect(await mode(out(name)), name).toBe(0o400);
    expect(await mode(out('files'))).toBe(0o700);
    expect(await mode(join(dir, 'out'))).toBe(0o700);
    expect(logLines(run).filter((l) => l.msg === 'written')).toHaveLength(8);
    expectNoSecrets(
      run,
      world.handled({
        ...envData,
        ...dockerData,
        jsonUser: jsonData.user,
        pem,
        html,
        f1: 'file-one-content',
        f2: 'file-two-content',
      }),
    );
  });
});

interface Refusal {
  name: string;
  data: Record<string, Record<string, unknown>>;
  secrets: string;
  template?: string;
  message: RegExp;
  code: number;
  /** Values that must appear nowhere in the output (beside every credential). */
  secretValues: Record<string, string>;
}

const refusals: Refusal[] = [
  {
    name: 'docker-env value with a newline',
    data: {
      'secret/data/app/docker': {
        data: { GOOD: 'good-value-1', MULTI: 'first\nsecond-line-value' },
      },
    },
    secrets: '- { path: secret/app/docker, format: docker-env, to: out/docker.env }',
    message: /secret\/app\/docker: the value of key "MULTI" contains a line break/,
    code: 65,
    secretValues: { good: 'good-value-1', multi: 'second-line-value' },
  },
  {
    name: 'env key that is not a variable name',
    data: { 'secret/data/app/env': { data: { 'BAD-NAME': 'env-bad-value-1' } } },
    secrets: '- { path: secret/app/env, format: env, to: out/app.env }',
    message: /key "BAD-NAME" is not a valid environment variable name/,
    code: 65,
    secretValues: { bad: 'env-bad-value-1' },
  },
  {
    name: 'files key ../x',
    data: { 'secret/data/app/files': { data: { ok: 'files-ok-value', '../x': 'escape-value-1' } } },
    secrets: '- { path: secret/app/files, format: files, to: out/files }',
    message: /secret\/app\/files: key "\.\.\/x" is not a plain file name: it contains '\/'/,
    code: 65,
    secretValues: { ok: 'files-ok-value', escape: 'escape-value-1' },
  },
  {
    name: 'raw with a field the secret lacks',
    data: { 'kv/app/raw': { present: 'present-value-1' } },
    secrets: '- { path: kv/app/raw, field: absent, to: out/raw }',
    message: /kv\/app\/raw has no field "absent" \(its fields: present\)/,
    code: 65,
    secretValues: { present: 'present-value-1' },
  },
  {
    name: 'template naming a missing key',
    data: { 'kv/app/db': { user: 'template-user-1' } },
    secrets: '- { path: kv/app/db, name: db }',
    template: 'user={{secrets.db.user}}\npass={{secrets.db.password}}\n',
    message: /app\.tmpl: key "secrets\.db\.password" does not exist/,
    code: 65,
    secretValues: { user: 'template-user-1' },
  },
];

describe('keyturn prestart: data a format cannot express writes nothing', () => {
  it.each(refusals)('$name → $code, naming the key, nothing written', async (c) => {
    await using world = await filesWorld();
    const { vault, dir } = world;
    for (const [path, body] of Object.entries(c.data)) await vault.write(path, body);
    await vault.write('kv/app/other', { value: 'sibling-value-1' });
    if (c.template !== undefined) await writeFile(join(dir, 'app.tmpl'), c.template);
    await world.config(`
token:
  sink: { path: out/token }
secrets:
  - { path: kv/app/other, field: value, to: out/sibling }
  ${c.secrets}
${c.template === undefined ? '' : 'templates:\n  - { source: app.tmpl, to: out/app.ini }'}
`);

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(c.code);
    const error = logLines(run).find((l) => l.level === 50 || l.level === 'error');
    expect(String(error?.msg)).toMatch(c.message);
    // Rendered in memory before any write: not even the sibling or the token sink exists.
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    // The failed run's token is revoked, so nothing it minted outlives it.
    expect(world.paths(run.requestsBefore)).toContain('auth/token/revoke-self');
    expectNoSecrets(run, world.handled({ ...c.secretValues, sibling: 'sibling-value-1' }));
  });
});

describe('keyturn prestart: a template that cannot be used is found before login', () => {
  it.each([
    [
      'missing',
      undefined,
      /cannot read template .*\/app\.tmpl: no such file or directory \(ENOENT\)/,
    ],
    ['unclosed', 'user={{secrets.db.user\n', /app\.tmpl: Unclosed tag at 23/],
  ])('a %s template source → 64, the secret ID not spent', async (_, template, message) => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/db', { user: 'template-user-2' });
    if (template !== undefined) await writeFile(join(world.dir, 'app.tmpl'), template);
    await world.config(`
secrets:
  - { path: kv/app/db, name: db }
templates:
  - { source: app.tmpl, to: out/app.ini }
`);

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(64);
    const error = logLines(run).find((l) => l.level === 'error');
    expect(String(error?.msg)).toMatch(message);
    expect(
      world.paths(run.requestsBefore).filter((p) => /^(auth|sys\/wrapping)\//.test(p)),
    ).toEqual([]);
    expect(existsSync(join(world.dir, 'out'))).toBe(false);
    expectNoSecrets(run, world.handled({ user: 'template-user-2' }));
  });
});

describe('keyturn prestart: format raw needs a field', () => {
  it('refuses format raw without field as a config error (64) before any request', async () => {
    await using world = await filesWorld();
    await world.config(`
secrets:
  - { path: kv/app/db, format: raw, to: out/db }
`);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(64);
    expect(run.stderr).toMatch(/secrets\[0\].*field/);
    expect(world.paths(run.requestsBefore)).toEqual([]);
    expectNoSecrets(run, world.handled());
  });
});
