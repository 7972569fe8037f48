#!/usr/bin/env node
// The edge of keyturn: the only file that touches process.argv, process.env, signals and
// process.exit. Everything below it receives plain values.
import { constants } from 'node:os';
import { isSea } from 'node:sea';
import { isatty } from 'node:tty';
import { setFlagsFromString } from 'node:v8';
import type { CliContext } from './cli/context.ts';
import { RENEWER_COMMAND } from './daemon/renewer-command.ts';

/*
 * V8 doubles its young generation whenever a scavenge finds many survivors, up to 32 MiB,
 * and never gives it back while the process runs. A prestart of 1,000 secrets (every answer
 * alive until all are written) grew it to the maximum: peak RSS 105 MiB instead of 83 MiB
 * (bench/run.ts, README). A factor of 1 keeps it at its first size; scavenges get more
 * frequent, which a 10-secret start never notices and a 1,000-secret one pays in ms.
 * A runtime flag: it is read at each growth, so it works without `node --flags` (which
 * neither `#!/usr/bin/env node` nor the single executable can pass).
 */
setFlagsFromString('--semi-space-growth-factor=1');

const env = { ...process.env };
// SPEC §4: the secret ID leaves keyturn's own environment at once, so no child inherits it.
delete process.env.VAULT_SECRET_ID;

const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
/** While `exec` runs a child, the signals it took go to it instead (see takeSignals). */
let takenBy: ((name: NodeJS.Signals) => void) | undefined;
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  process.on(name, () => {
    if (takenBy) return takenBy(name);
    // A second signal means "now": the first one already asked everything to stop.
    if (signalled) process.exit(128 + constants.signals[name]);
    signalled = name;
    controller.abort(name);
  });
}

/**
 * Hands `names` to `handler` until the returned function is called. SIGTERM and SIGINT keep
 * their listener above; the others get one only meanwhile, so their default action (end the
 * process) is back as soon as the handler lets go.
 */
function takeSignals(
  names: readonly NodeJS.Signals[],
  handler: (name: NodeJS.Signals) => void,
): () => void {
  takenBy = handler;
  const extra = names.filter((name) => name !== 'SIGTERM' && name !== 'SIGINT');
  const listeners = extra.map((name) => {
    const listener = () => handler(name);
    process.on(name, listener);
    return [name, listener] as const;
  });
  return () => {
    if (takenBy === handler) takenBy = undefined;
    for (const [name, listener] of listeners) process.off(name, listener);
  };
}

// A single executable is its own program: Node puts its path at argv[1] as well, and the
// renewer is started as `keyturn __renewer`, not `node keyturn.mjs __renewer`; it takes Node
// flags only as --node-options (scripts/build-sea.ts: execArgvExtension "cli").
const single = isSea();
const ctx: CliContext = {
  env,
  cwd: process.cwd(),
  uid: process.getuid?.() ?? 0,
  gid: process.getgid?.() ?? 0,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  signal: controller.signal,
  takeSignals,
  pid: process.pid,
  execPath: process.execPath,
  selfArgs: (flags) => {
    if (single) return flags.length > 0 ? [`--node-options=${flags.join(' ')}`] : [];
    return [...flags, process.argv[1] ?? 'keyturn'];
  },
  stderrIsTTY: process.stderr.isTTY === true,
  // isatty(0), not process.stdin.isTTY: touching process.stdin opens a handle on fd 0 in
  // every run (a renewer, a prestart), even though only a prompt ever reads it.
  ...(isatty(0)
    ? {
        // Loaded on first use: only the operator and backup commands ever ask.
        prompt: async (question: string) =>
          (await import('./cli/hidden-prompt.ts')).hiddenPrompt(question, {
            input: process.stdin,
            output: process.stderr,
          }),
      }
    : {}),
};

const argv = process.argv.slice(2);
// The detached renewer is an entry of its own: it never loads the CLI, YAML or the schema.
const run =
  argv[0] === RENEWER_COMMAND
    ? import('./cli/renewer-entry.ts').then((m) => m.runRenewerEntry(argv.slice(1), ctx))
    : import('./cli/run-cli.ts').then((m) => m.runCli(argv, ctx));
// Not a top-level await: the single executable runs this file as CommonJS.
run.then(
  (code) => {
    // Exit explicitly: keep-alive sockets or a finished child's pipes must not keep us alive.
    process.exit(code === 0 || !signalled ? code : 128 + constants.signals[signalled]);
  },
  (error: unknown) => {
    // Only a failure to load keyturn's own code gets here: every command error is mapped.
    process.stderr.write(`keyturn: internal error: ${String(error)}\n`);
    process.exit(70);
  },
);
