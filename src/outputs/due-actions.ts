import type { OnChange } from '../config/config-types.ts';
import { ownsFile, type PlannedOutput } from './output-plan.ts';

/** One action to run, the files whose change called for it, and how long they must be quiet. */
export interface DueAction {
  action: OnChange;
  files: string[];
  /** The longest `on_change_wait` of the outputs that share the action. */
  waitMs: number;
}

/**
 * The `on_change` actions due for the files written in one rotation, coalesced (SPEC §6):
 * a certificate set, a `format: files` directory, or several outputs naming the same
 * action make one run, not one per file.
 */
export function dueActions(
  outputs: readonly PlannedOutput[],
  written: readonly string[],
): DueAction[] {
  const due = new Map<string, DueAction>();
  for (const output of outputs) {
    if (!output.onChange) continue;
    const files = written.filter((path) => ownsFile(output, path));
    if (files.length === 0) continue;
    const key = JSON.stringify(output.onChange);
    const entry = due.get(key) ?? { action: output.onChange, files: [], waitMs: 0 };
    entry.waitMs = Math.max(entry.waitMs, output.onChangeWaitMs ?? 0);
    for (const path of files) if (!entry.files.includes(path)) entry.files.push(path);
    due.set(key, entry);
  }
  return [...due.values()];
}
