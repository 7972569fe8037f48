import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSecret } from '../../src/files/formats.ts';
import { makeTempDir } from './make-temp-dir.ts';

const awkward = [
  ['plain', 'hunter2'],
  ['single quotes', "it's 'quoted'"],
  ['double quotes', 'say "hi"'],
  ['spaces', '  lead and trail  '],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${PATH} is what is tested
  ['dollar', '$HOME ${PATH} $(id) $1'],
  ['backticks', '`id` `rm -rf /`'],
  ['backslashes', 'a\\nb\\\\c\\'],
  ['newlines', 'line1\nline2\n'],
  ['empty', ''],
  ['unicode', 'pässwörd ✓'],
  ['semicolon and hash', 'a; echo pwned # b'],
] as const;

describe('env format', () => {
  it.each(awkward)('round-trips %s through `sh -c ". file"`', async (_name, value) => {
    await using dir = await makeTempDir();
    const file = join(dir.path, 'secret.env');
    await writeFile(file, renderSecret('env', { KEY: value, OTHER: 'x' }));
    const out = execFileSync('sh', ['-c', '. "$1"; printf %s "$KEY"', 'sh', file], {
      encoding: 'utf8',
    });
    expect(out).toBe(value);
  });

  it('writes export lines with single quotes escaped', () => {
    expect(renderSecret('env', { A: "x'y", B: 3 })).toBe(`export A='x'\\''y'\nexport B='3'\n`);
  });

  it('refuses a NUL byte, naming the key only', () => {
    expect(() => renderSecret('env', { K: 'a\0SECRETVALUE' }, undefined, 's/p')).toThrow(
      /^s\/p: the value of key "K" contains a NUL byte/,
    );
  });
});

describe('docker-env format', () => {
  it('writes KEY=value verbatim, no quoting', () => {
    expect(renderSecret('docker-env', { A: `it's "x" $y`, B: ' spaced ', C: 1 })).toBe(
      `A=it's "x" $y\nB= spaced \nC=1\n`,
    );
  });

  it.each([
    ['newline', 'line1\nline2', 'contains a line break'],
    ['carriage return', 'value\r', 'contains a line break'],
    ['NUL', 'a\0b', 'contains a NUL byte'],
    ['lone surrogate', 'a\ud800b', 'is not valid Unicode'],
    ['line over 64 KiB', 'x'.repeat(64 * 1024), "is longer than Docker's 64 KiB line limit"],
  ])('refuses a value with a %s, naming the key and not the value', (_name, value, reason) => {
    let message = '';
    try {
      renderSecret('docker-env', { GOOD: 'ok', BAD_KEY: value }, undefined, 'secret/app');
    } catch (e) {
      message = (e as Error).message;
      expect(e).toMatchObject({ exitCode: 65 });
    }
    expect(message).toContain(`secret/app: the value of key "BAD_KEY" ${reason}`);
    expect(message).not.toContain(value);
  });
});

describe('variable names', () => {
  it.each([['1ABC'], ['A-B'], ['A B'], [''], ['A.B'], ['ÄB'], ['A=B'], ['A\nB']])(
    'refuses key %j in env and docker-env',
    (key) => {
      for (const format of ['env', 'docker-env'] as const) {
        expect(() => renderSecret(format, { [key]: 'v' })).toThrow(
          `key ${JSON.stringify(key)} is not a valid environment variable name`,
        );
      }
    },
  );

  it.each([['A'], ['_'], ['a_1'], ['_PRIVATE_KEY'], ['Z9']])('accepts key %j', (key) => {
    expect(renderSecret('docker-env', { [key]: 'v' })).toBe(`${key}=v\n`);
  });
});
