import { writeSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UsageError } from '../errors/keyturn-error.ts';
import { reportError } from '../errors/report-error.ts';
import { createOutput, type LogFormat, type Output } from '../log/output.ts';
import { Redactor } from '../log/redactor.ts';
import { type CommandSpec, commandSpecs } from './commands.ts';
import type { CliContext, GlobalOptions } from './context.ts';
import { keyturnVersion as version } from './keyturn-version.ts';

/** Parses argv, runs one command, and turns every outcome into an exit status. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const redactor = new Redactor();
  const defaultFormat: LogFormat = ctx.stderrIsTTY ? 'pretty' : 'json';
  // https://no-color.org: any non-empty NO_COLOR turns colour off, even on a terminal.
  const colour = ctx.stderrIsTTY && !ctx.env.NO_COLOR;
  let out: Output = await createOutput({ level: 'info', format: defaultFormat, colour }, redactor);
  let exitCode = 0;

  // Help and --version are output (stdout); commander's usage errors are diagnostics (stderr),
  // so `keyturn ... > file` never captures an error and a caller sees it on the error stream.
  const program = buildProgram(
    (text) => out.print(text),
    (text) => writeSync(2, redactor.redact(text)),
  );
  program.hook('preAction', async (_program, action) => {
    const globals = action.optsWithGlobals<GlobalOptions>();
    out = await createOutput(
      { level: globals.logLevel, format: globals.logFormat ?? defaultFormat, colour },
      redactor,
    );
  });
  attachActions(
    program,
    commandSpecs,
    ctx,
    () => out,
    (code) => {
      exitCode = code;
    },
  );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end by "error" with code 0; real usage errors were printed.
      return error.exitCode === 0 ? 0 : 64;
    }
    if (ctx.signal.aborted) {
      // Interrupted on purpose: not an error to explain; the entry point sets 128+N.
      out.log.warn({ signal: String(ctx.signal.reason) }, 'stopped by signal');
      return ExitCode.internal;
    }
    return reportError(error, out);
  }
}

function buildProgram(print: (text: string) => void, printError: (text: string) => void): Command {
  const program = new Command('keyturn')
    .description('Get secrets out of HashiCorp Vault into a container, and keep them fresh.')
    .version(version, '--version')
    .option('--config <file>', 'config file (default $KEYTURN_CONFIG, else ./keyturn.yaml)')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
        .default('info'),
    )
    .addOption(new Option('--log-format <format>', 'json or pretty').choices(['json', 'pretty']))
    .option(
      '--secret <path=file[:field]>',
      'fetch PATH into FILE without a config file (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--input-json', 'read secretId / roleId / passphrase / key as JSON from stdin')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: print, writeErr: printError, outputError: printError });
  return program;
}

function attachActions(
  parent: Command,
  specs: CommandSpec[],
  ctx: CliContext,
  output: () => Output,
  setExit: (code: number) => void,
): void {
  for (const spec of specs) {
    const command = parent.command(spec.name, { hidden: spec.hidden }).description(spec.summary);
    command.exitOverride().configureOutput(parent.configureOutput());
    spec.configure?.(command);
    if (spec.subcommands) {
      attachActions(command, spec.subcommands, ctx, output, setExit);
      continue;
    }
    command.action(async (...params: unknown[]) => {
      const cmd = params.at(-1) as Command;
      if (!spec.load) {
        // `operator init`, not a bare `init`: the whole command as the user typed it.
        const name = parent.parent ? `${parent.name()} ${spec.name}` : spec.name;
        throw new UsageError(`${name}: not implemented yet`);
      }
      const module = await spec.load();
      const code = await module.run({
        ctx,
        out: output(),
        globals: cmd.optsWithGlobals<GlobalOptions>(),
        options: cmd.opts(),
        args: cmd.args,
      });
      setExit(code);
    });
  }
}
