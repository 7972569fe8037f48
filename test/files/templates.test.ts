import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate, renderTemplateSource } from '../../src/files/templates.ts';
import { makeTempDir } from './make-temp-dir.ts';

const secrets = {
  db: {
    user: 'app',
    password: `<&>"'`,
    port: 5432,
    hosts: [{ name: 'a' }, { name: 'b' }],
    opts: { ssl: true },
  },
  api: { key: 'k-123', enabled: false },
};
const render = (source: string) => renderTemplateSource(source, secrets, 'config.tmpl');

function errorOf(fn: () => unknown): Error & { exitCode: number } {
  try {
    fn();
  } catch (e) {
    return e as Error & { exitCode: number };
  }
  throw new Error('expected an error');
}

describe('renderTemplateSource', () => {
  it.each([
    ['{{secrets.db.password}}', `<&>"'`],
    ['{{{secrets.db.password}}}', `<&>"'`],
    ['{{&secrets.db.password}}', `<&>"'`],
    ['port={{secrets.db.port}}', 'port=5432'],
    ['{{#secrets.db}}{{user}}@{{port}}{{/secrets.db}}', 'app@5432'],
    ['{{#secrets.db.hosts}}[{{name}}]{{/secrets.db.hosts}}', '[a][b]'],
    ['{{#secrets.db.hosts}}{{name}}:{{secrets.api.key}};{{/secrets.db.hosts}}', 'a:k-123;b:k-123;'],
    ['{{#secrets.db}}{{#opts}}ssl={{ssl}}{{/opts}}{{/secrets.db}}', 'ssl=true'],
    ['{{^secrets.api.enabled}}off{{/secrets.api.enabled}}', 'off'],
    ['{{secrets.db.opts}}', '{"ssl":true}'],
    ['{{! a comment }}x', 'x'],
    ['{{=<% %>=}}<% secrets.api.key %>', 'k-123'],
  ])('renders %s', (source, expected) => {
    expect(render(source)).toBe(expected);
  });

  it.each([
    ['{{secrets.db.passwd}}', 'secrets.db.passwd'],
    ['{{{secrets.nope.key}}}', 'secrets.nope.key'],
    ['{{#secrets.db}}{{usr}}{{/secrets.db}}', 'usr'],
    ['{{#secrets.db}}{{#opts}}{{tls}}{{/opts}}{{/secrets.db}}', 'tls'],
    ['{{#secrets.db.hosts}}{{secrets.db.port}}{{name}}{{nam}}{{/secrets.db.hosts}}', 'nam'],
    ['{{#secrets.db.hosts}}{{port}}{{/secrets.db.hosts}}', 'port'],
    ['{{#secrets.missing}}x{{/secrets.missing}}', 'secrets.missing'],
    ['{{secrets.db.user.length}}', 'secrets.db.user.length'],
    ['{{secrets.constructor}}', 'secrets.constructor'],
  ])('refuses %s: key %s does not exist', (source, key) => {
    const error = errorOf(() => render(source));
    expect(error.exitCode).toBe(65);
    expect(error.message).toContain(`config.tmpl: key "${key}" does not exist`);
  });

  it.each([
    ['{{> header}}'],
    ['{{#secrets.db}}{{>footer}}{{/secrets.db}}'],
    ['{{^secrets.api.enabled}}{{> x}}{{/secrets.api.enabled}}'],
  ])('refuses partials anywhere: %s', (source) => {
    const error = errorOf(() => render(source));
    expect(error.exitCode).toBe(64);
    expect(error.message).toMatch(/^config.tmpl: partials \(\{\{> \w+\}\}\) are not supported$/);
  });

  it('reports a syntax error with the template name', () => {
    const error = errorOf(() => render('{{#secrets.db}}no end'));
    expect([error.exitCode, error.message]).toEqual([
      64,
      'config.tmpl: Unclosed section "secrets.db" at 21',
    ]);
  });
});

const asRoot = { keyturnUid: 0 };

describe('renderTemplate', () => {
  it('reads the template from a file', async () => {
    await using dir = await makeTempDir();
    const path = join(dir.path, 'app.tmpl');
    await writeFile(path, '[db]\nuser={{secrets.db.user}}\n');
    expect(await renderTemplate(path, secrets, asRoot)).toBe('[db]\nuser=app\n');
  });

  it('names a template file it cannot read', async () => {
    await expect(renderTemplate('/nonexistent/app.tmpl', secrets, asRoot)).rejects.toMatchObject({
      exitCode: 64,
      message: 'cannot read template /nonexistent/app.tmpl: no such file or directory (ENOENT)',
    });
  });

  it('names the template file in a missing-key error', async () => {
    await using dir = await makeTempDir();
    const path = join(dir.path, 'app.tmpl');
    await writeFile(path, '{{secrets.db.nope}}');
    await expect(renderTemplate(path, secrets, asRoot)).rejects.toThrow(
      `${path}: key "secrets.db.nope" does not exist`,
    );
  });
});
