import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import { createOutput, type LogLevel } from '../log/output.ts';
import { Redactor } from '../log/redactor.ts';
import type { CliContext } from './context.ts';
import { openVault } from './open-vault.ts';
import { startRenewal } from './start-renewal.ts';

const LEVELS = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/**
 * The detached renewer `prestart --daemon` starts (`keyturn __renewer --log-level L`), as an
 * entry of its own: main.ts sends it here before the CLI is loaded. Its whole input is the
 * normalized plan on the handover pipe, so it loads no CLI framework, YAML parser or config
 * schema — a long-lived process keeps every module it ever parsed (see README, Benchmarks).
 */
export async function runRenewerEntry(argv: string[], ctx: CliContext): Promise<number> {
  const redactor = new Redactor();
  // Until the log file is open, lines go to stderr, which the parent points at /dev/null.
  const out = await createOutput({ level: logLevelOf(argv), format: 'json' }, redactor);
  const { runDaemonRenewer } = await import('../daemon/run-daemon-renewer.ts');
  return runDaemonRenewer({
    pid: ctx.pid,
    uid: ctx.uid,
    out,
    signal: ctx.signal,
    async start(handover, log, signal) {
      const { client, config } = openVault(handover.config, ctx, log);
      try {
        const renewal = await startRenewal({
          config,
          client,
          out: log,
          ctx,
          start: handover.start,
          stateFile: handover.stateFile,
          mode: 'daemon',
          ...(handover.metricsAddr ? { metricsAddr: handover.metricsAddr } : {}),
          signal,
        });
        // Ready = the state file names this renewer: a `status` right after prestart sees it.
        // A renewer that fails (or stops) before it is ready never reports "ready".
        await Promise.race([renewal.ready, renewal.done.then(notReady)]);
        return {
          done: renewal.done,
          close: async () => {
            client.close();
            await renewal.close();
          },
        };
      } catch (error) {
        client.close();
        throw error;
      }
    },
  });
}

/** The parent passes exactly `--log-level L`; anything else is the default, info. */
function logLevelOf(argv: string[]): LogLevel {
  const at = argv.indexOf('--log-level');
  const level = at >= 0 ? argv[at + 1] : undefined;
  return level !== undefined && LEVELS.has(level) ? (level as LogLevel) : 'info';
}

function notReady(): never {
  throw new KeyturnError(
    'renewer-start',
    ExitCode.internal,
    'the renewer stopped before it was ready',
  );
}
