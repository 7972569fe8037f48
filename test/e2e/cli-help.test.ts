import { describe, expect, it } from 'vitest';
import { runKeyturn } from './run-keyturn.ts';

/** The long flags listed under "Options:" of a --help text. */
function listedOptions(help: string): Set<string> {
  const section = help.split(/^Options:$/m)[1]?.split(/^\S.*:$/m)[0] ?? '';
  return new Set(
    section.match(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)?.map((l) => l.trim().replace(/^-\w, /, '')),
  );
}

describe('--help is truthful', () => {
  it.each([['restore'], ['backup'], ['status'], ['prestart']])(
    '%s --help names no flag it does not accept',
    async (command) => {
      const result = await runKeyturn([command, '--help']);
      expect(result.code).toBe(0);
      const options = listedOptions(result.stdout);
      expect(options.has('--help')).toBe(true);
      const named = new Set(result.stdout.match(/--[a-z][a-z-]*/g));
      expect([...named].filter((flag) => !options.has(flag))).toEqual([]);
    },
  );
});
