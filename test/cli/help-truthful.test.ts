import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { type CommandSpec, commandSpecs } from '../../src/cli/commands.ts';

/** Every command, with its path (`operator init`). */
function flatten(specs: CommandSpec[], parent = ''): [string, CommandSpec][] {
  return specs.flatMap((spec) => {
    const path = `${parent}${spec.name}`;
    return spec.subcommands
      ? flatten(spec.subcommands, `${path} `)
      : [[path, spec] as [string, CommandSpec]];
  });
}

describe('help is truthful', () => {
  const listed = flatten(commandSpecs).filter(([, spec]) => !spec.hidden);
  it.each(listed)('%s: every --flag its summary names is one of its options', (_path, spec) => {
    const command = new Command(spec.name);
    spec.configure?.(command);
    const options = new Set(command.options.map((option) => option.long));
    const named = spec.summary.match(/--[a-z][a-z-]*/g) ?? [];
    expect(named.filter((flag) => !options.has(flag))).toEqual([]);
  });
});
