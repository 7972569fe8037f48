import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

describe('README stands alone', () => {
  it('every link to a file points inside the repository, at something that exists', () => {
    const targets = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)]
      .map((match) => match[1] as string)
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => target.startsWith('..') || target.startsWith('/'))).toEqual(
      [],
    );
    expect(targets.filter((target) => !existsSync(`${root}${target}`))).toEqual([]);
  });
});
