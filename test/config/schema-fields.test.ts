import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { described, pathField, withMeta } from '../../src/config/schema-fields.ts';
import { problemsOf } from './problems-of.ts';

describe('withMeta / described', () => {
  it('describes a copy and leaves the shared field bare', () => {
    const copy = described(pathField, 'a file');
    expect(copy).not.toBe(pathField);
    expect(z.globalRegistry.get(copy)).toEqual({ description: 'a file' });
    expect(z.globalRegistry.get(pathField)).toBeUndefined();
  });

  it('keeps the checks of the original', () => {
    const copy = withMeta(pathField, { description: 'a file', pattern: '^/' });
    expect(copy.safeParse('').error?.issues[0]?.message).toBe('must not be empty');
    expect(copy.safeParse('/run/x').success).toBe(true);
  });
});

describe('messages zod/mini leaves to the locale', () => {
  // zod/mini installs no locale: without the English fallback these read "Invalid input".
  it.each([
    ['secrets:\n  - { path: a, to: /a, version: 0 }\n', 'Too small: expected number to be >=1'],
    ['vault: { tls: { server_name: [] } }\n', 'Too small: expected array to have >=1 items'],
  ])('%j', (yaml, message) => {
    const problems = problemsOf(yaml);
    expect(problems.some((p) => p.endsWith(`: ${message}`))).toBe(true);
    expect(problems.join('\n')).not.toContain('Invalid input');
  });
});

describe('bundle size guard', () => {
  // Classic zod drags every locale into the bundle (~400 KiB, ~30 ms per start).
  it('no file in src imports classic zod', () => {
    const src = new URL('../../src/', import.meta.url).pathname;
    const offenders = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /from ['"]zod(?:\/v4)?['"]/.test(readFileSync(join(src, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
