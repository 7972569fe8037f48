import { resolve } from 'node:path';
import { ExitCode } from '../../errors/keyturn-error.ts';
import type { CommandRun } from '../context.ts';
import { openNodes } from '../open-nodes.ts';
import { readAnswer } from '../read-answer.ts';

export interface UnsealFlags {
  addr?: string[];
  keyFile?: string;
  reset?: boolean;
}

/**
 * `keyturn operator unseal` (SPEC §1): one share, from a key file (decrypted by the
 * operator's gpg), `--input-json {"key"}` or a hidden prompt — never argv — submitted to
 * every sealed node; prints each node's progress. `--reset` discards the progress instead.
 */
export async function run(run: CommandRun<UnsealFlags>): Promise<number> {
  const { ctx, out, options } = run;
  const { unsealNodes, unsealLine } = await import('../../operator/unseal-nodes.ts');
  let request: { key: string } | { reset: true };
  if (options.keyFile && run.globals.inputJson) {
    const { UsageError } = await import('../../errors/keyturn-error.ts');
    throw new UsageError('give the key once: --key-file or --input-json, not both');
  }
  if (options.reset) {
    request = { reset: true };
  } else if (options.keyFile && !run.globals.inputJson) {
    const { shareFromFile } = await import('../../operator/decrypt-share.ts');
    request = { key: await shareFromFile(resolve(ctx.cwd, options.keyFile), ctx.env, out) };
  } else {
    const key = await readAnswer(run, {
      name: 'key',
      fileFlag: '--key-file',
      question: 'unseal key (will be hidden): ',
    });
    request = { key };
  }
  const nodes = await openNodes(run, options.addr ?? []);
  try {
    const results = await unsealNodes(nodes.clients, request, (node) => {
      out.print(`${unsealLine(node)}\n`);
      if (node.error)
        out.log.error({ node: node.address, code: node.error.code }, node.error.message);
    });
    const failed = results.filter((r) => r.error);
    if (failed.length === 0) return 0;
    // The worst failure decides: a refused key (65) says more than an unreachable node (69).
    return Math.min(...failed.map((r) => r.error?.exitCode ?? ExitCode.internal));
  } finally {
    nodes.close();
  }
}
