#!/usr/bin/env node
// The edge of keyturn: the only file that touches process.argv, process.env, signals and
// process.exit. Everything below it receives plain values.
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { hiddenPrompt } from './cli/hidden-prompt.ts';
import { runCli } from './cli/run-cli.ts';

const env = { ...process.env };
// SPEC §4: the secret ID leaves keyturn's own environment at once, so no child inherits it.
delete process.env.VAULT_SECRET_ID;

const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  process.on(name, () => {
    // A second signal means "now": the first one already asked everything to stop.
    if (signalled) process.exit(128 + constants.signals[name]);
    signalled = name;
    controller.abort(name);
  });
}

const code = await runCli(process.argv.slice(2), {
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
  pid: process.pid,
  execPath: process.execPath,
  selfPath: process.argv[1] ?? 'keyturn',
  stderrIsTTY: process.stderr.isTTY === true,
  // isatty(0), not process.stdin.isTTY: touching process.stdin opens a handle on fd 0 in
  // every run (a renewer, a prestart), even though only a prompt ever reads it.
  ...(isatty(0)
    ? {
        prompt: (question: string) =>
          hiddenPrompt(question, { input: process.stdin, output: process.stderr }),
      }
    : {}),
});
// Exit explicitly: keep-alive sockets or a finished child's pipes must not keep us alive.
process.exit(code === 0 || !signalled ? code : 128 + constants.signals[signalled]);
