import type { Config } from '../config/config-types.ts';
import { KeyturnError } from '../errors/keyturn-error.ts';
import { writeFileSet } from '../files/write-set.ts';
import type { Output } from '../log/output.ts';
import { dueActions } from '../outputs/due-actions.ts';
import { ownsFile, type PlannedOutput, planOutputs } from '../outputs/output-plan.ts';
import { type Holdings, renderOutput } from '../outputs/render-output.ts';
import type { FailingGroup } from '../state/agent-state.ts';
import type { Clock, Timers } from '../timing/clock.ts';
import type { LiveSet } from './live-set.ts';
import type { OnChangeDeps } from './on-change.ts';
import { createOnChangeScheduler } from './on-change-scheduler.ts';
import type { RenewerMetrics } from './renewer-metrics.ts';

export interface RewriterDeps {
  config: Config;
  /** The working directory of on_change commands. */
  cwd: string;
  uid: number;
  env: Readonly<Record<string, string | undefined>>;
  out: Output;
  live: LiveSet;
  /** Told the outcome of every group's write (`keyturn_output_last_write_failed`). */
  metrics: RenewerMetrics;
  /** Every destination of the last complete write, for the state file. */
  files: string[];
  clock: Clock;
  timers: Timers;
  /** The renewer's: stops on_change commands, drops pending ones. */
  signal: AbortSignal;
  kill?: OnChangeDeps['kill'];
}

export interface Rewriter {
  /** One rotation; resolves true when the set of failing groups changed (status must know). */
  rewrite(): Promise<boolean>;
  /** Destinations in place: the last good write of each group. */
  files(): string[];
  /** Output groups whose last render or write failed, for `status`. */
  failing(): FailingGroup[];
}

/**
 * Renders and writes every output group from what the renewer holds, each on its own (SPEC
 * §6): a group that cannot be rendered or written (a template key gone, a full disk) is
 * logged, keeps its old files, is reported as failing and tried again at the next rotation —
 * and never holds back another group, least of all a certificate's. The atomic writer leaves
 * files whose content did not change alone, so only real changes trigger `on_change`, which
 * runs once the files it watches have been quiet for `on_change_wait` (on-change-scheduler.ts).
 * Rewrites run one at a time.
 */
export function createRewriter(deps: RewriterDeps): Rewriter {
  const outputs = planOutputs(deps.config);
  // The prestart before the renewer wrote every group.
  for (const output of outputs) deps.metrics.outputWrite(output.label, false);
  let files = deps.files;
  const failing = new Map<string, FailingGroup>();
  let chain: Promise<unknown> = Promise.resolve();
  const scheduler = createOnChangeScheduler(deps);

  async function rewriteOnce(): Promise<boolean> {
    const before = [...failing.keys()].join('\n');
    const live = deps.live;
    const holdings = { secrets: live.secrets, certs: live.certs, token: live.token.token };
    const written: string[] = [];
    const inPlace: string[] = [];
    for (const output of outputs) {
      const result = await writeGroup(output, holdings);
      written.push(...result.written);
      inPlace.push(...(result.inPlace ?? files.filter((path) => ownsFile(output, path))));
    }
    files = inPlace;
    for (const path of written) deps.out.log.info({ to: path }, 'rewritten');
    scheduler.changed(dueActions(outputs, written));
    return [...failing.keys()].join('\n') !== before;
  }

  /** One group: its files now in place (undefined: the old ones stay), and those replaced. */
  async function writeGroup(
    output: PlannedOutput,
    holdings: Holdings,
  ): Promise<{ written: string[]; inPlace?: string[] }> {
    try {
      const planned = await renderOutput(output, deps.config, holdings, deps.uid);
      const result = await writeFileSet(planned, { keyturnUid: deps.uid });
      deps.metrics.outputWrite(output.label, false);
      if (failing.delete(output.label)) {
        deps.out.log.info({ group: output.label }, `${output.label}: written again`);
      }
      // A kept certificate renders nothing: its files on disk stay what they were.
      const inPlace = [...result.written, ...result.unchanged];
      return planned.length === 0 ? { written: [] } : { written: result.written, inPlace };
    } catch (error) {
      if (!(error instanceof KeyturnError)) throw error;
      const since = failing.get(output.label)?.since ?? deps.clock.now();
      failing.set(output.label, { group: output.label, error: error.message, since });
      deps.metrics.outputWrite(output.label, true);
      deps.out.log.error(
        { ...error.details, group: output.label },
        `could not write ${output.label} (its old files stay; tried again next cycle): ${error.message}`,
      );
      const replaced = error.details.replaced;
      return { written: Array.isArray(replaced) ? replaced.map(String) : [] };
    }
  }

  return {
    rewrite() {
      const next = chain.then(() => rewriteOnce());
      chain = next.catch(() => undefined);
      return next;
    },
    files: () => files,
    failing: () => [...failing.values()],
  };
}
