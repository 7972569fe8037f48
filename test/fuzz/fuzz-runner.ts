/**
 * Runs many keyturn invocations in ONE process (the real CLI code, runCli, with real files
 * and a real Vault server over HTTP), so a few hundred fuzz cases take seconds, not minutes
 * of Node start-ups. Reads cases as JSON lines on stdin: { argv, stdin, cwd }. Writes to
 * fd 3 one JSON line per case: { index, code, ms }. keyturn's own output goes to fd 2, with a
 * marker line written there before each case so the parent can cut it per case.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { runCli } from '../../src/cli/run-cli.ts';

const env = { ...process.env };
const lines = createInterface({ input: process.stdin });
let index = 0;
for await (const line of lines) {
  const testCase = JSON.parse(line) as { argv: string[]; stdin: string; cwd: string };
  writeSync(2, `\n@@FUZZ-CASE ${index}@@\n`);
  const started = Date.now();
  const controller = new AbortController();
  let code: number;
  try {
    code = await runCli(testCase.argv, {
      env,
      cwd: testCase.cwd,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      readStdin: async () => testCase.stdin,
      signal: controller.signal,
      pid: process.pid,
      execPath: process.execPath,
      selfArgs: (flags) => [...flags, 'keyturn'],
      takeSignals: () => () => {},
      stderrIsTTY: false,
    });
  } catch (error) {
    // runCli must never throw: report it as what it would be, an internal error.
    writeSync(2, `runCli threw: ${String(error)}\n`);
    code = 70;
  }
  writeSync(3, `${JSON.stringify({ index, code, ms: Date.now() - started })}\n`);
  index++;
}
