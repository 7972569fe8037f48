import type { Config } from '../config/config-types.ts';
import { KeyturnError } from '../errors/keyturn-error.ts';
import { writeFileSet } from '../files/write-set.ts';
import type { Output } from '../log/output.ts';
import { dueActions } from '../outputs/due-actions.ts';
import { planOutputs } from '../outputs/output-plan.ts';
import { renderOutputs } from '../outputs/render-output.ts';
import type { LiveSet } from './live-set.ts';
import { type OnChangeDeps, runOnChange } from './on-change.ts';
import type { RenewerMetrics } from './renewer-metrics.ts';

export interface RewriterDeps {
  config: Config;
  /** The working directory of on_change commands. */
  cwd: string;
  uid: number;
  env: Readonly<Record<string, string | undefined>>;
  out: Output;
  live: LiveSet;
  /** Told the outcome of every group's write (`keyturn_output_write_failed`). */
  metrics: RenewerMetrics;
  /** Every destination of the last complete write, for the state file. */
  files: string[];
  kill?: OnChangeDeps['kill'];
}

export interface Rewriter {
  rewrite(signal: AbortSignal): Promise<void>;
  /** Destinations of the last complete write. */
  files(): string[];
}

/**
 * Renders every file from what the renewer holds and writes them; the atomic writer leaves
 * files whose content did not change alone, so only real changes are written and only they
 * trigger `on_change` (SPEC §5–6). Rewrites run one at a time: each is one rotation, and its
 * actions are coalesced. A failed write is logged and the old file kept; the next rotation
 * tries again. Renewal never stops for it.
 */
export function createRewriter(deps: RewriterDeps): Rewriter {
  const outputs = planOutputs(deps.config);
  // The prestart before the renewer wrote every group.
  for (const output of outputs) deps.metrics.outputWrite(output.label, false);
  let files = deps.files;
  let chain: Promise<void> = Promise.resolve();

  async function rewriteOnce(signal: AbortSignal): Promise<void> {
    const log = deps.out.log;
    let written: string[] = [];
    try {
      const live = deps.live;
      const planned = await renderOutputs(
        outputs,
        deps.config,
        { secrets: live.secrets, certs: live.certs, token: live.token.token },
        deps.uid,
      );
      const result = await writeFileSet(planned, { keyturnUid: deps.uid });
      written = result.written;
      files = [...result.written, ...result.unchanged];
      for (const output of outputs) deps.metrics.outputWrite(output.label, false);
    } catch (error) {
      if (!(error instanceof KeyturnError)) throw error;
      // One write for the whole set: when it fails part way, no group is known to be whole.
      for (const output of outputs) deps.metrics.outputWrite(output.label, true);
      log.error(
        { ...error.details },
        `could not rewrite files (the old ones stay): ${error.message}`,
      );
      const replaced = error.details.replaced;
      written = Array.isArray(replaced) ? replaced.map(String) : [];
    }
    for (const path of written) log.info({ to: path }, 'rewritten');
    const onChangeDeps = { ...deps, signal };
    for (const due of dueActions(outputs, written)) {
      if (signal.aborted) break;
      await runOnChange(due.action, due.files, onChangeDeps);
    }
  }

  return {
    rewrite(signal) {
      const next = chain.then(() => rewriteOnce(signal));
      chain = next.catch(() => undefined);
      return next;
    },
    files: () => files,
  };
}
