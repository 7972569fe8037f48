import type { OnChange } from '../config/config-types.ts';
import type { DueAction } from '../outputs/due-actions.ts';
import type { Clock, Timers } from '../timing/clock.ts';
import { type QuietWindow, quietWindow } from '../timing/quiet-window.ts';
import { type OnChangeDeps, runOnChange } from './on-change.ts';

/*
 * Why a cap of 10× the wait: consul-template's `wait` has a min and a max so that a secret
 * that never stops changing still gets its reload; one multiple keeps that to one setting.
 */
export const ON_CHANGE_WAIT_CAP = 10;

export interface SchedulerDeps extends OnChangeDeps {
  clock: Clock;
  timers: Timers;
}

/** Coalesces `on_change` actions over time (SPEC §6): one run per burst of rotations. */
export interface OnChangeScheduler {
  /** These actions' files just changed: run each once its files have been quiet long enough. */
  changed(due: readonly DueAction[]): void;
}

interface Pending {
  action: OnChange;
  files: string[];
  /** The longest wait its items asked for in this burst (for the log). */
  waitMs: number;
  window: QuietWindow;
}

/**
 * An action runs `waitMs` after the last change of the files it watches — so rotations
 * 100 ms apart make one run — but never later than 10× `waitMs` after the first one. Runs
 * of one action never overlap; a change during a run schedules the next. When keyturn stops,
 * pending actions are dropped (and said so): the container is going away.
 */
export function createOnChangeScheduler(deps: SchedulerDeps): OnChangeScheduler {
  const pending = new Map<string, Pending>();
  const running = new Map<string, Promise<unknown>>();
  const log = deps.out.log;

  // Listened to only while something is pending: a renewer runs for months on one signal.
  const dropPending = () => {
    for (const entry of pending.values()) {
      entry.window.cancel();
      log.info({ files: entry.files }, 'on_change not run: keyturn is stopping');
    }
    pending.clear();
  };
  const forget = (key: string) => {
    pending.delete(key);
    if (pending.size === 0) deps.signal.removeEventListener('abort', dropPending);
  };

  function fire(key: string): void {
    const entry = pending.get(key);
    if (!entry) return;
    forget(key);
    const previous = running.get(key) ?? Promise.resolve();
    const run = previous.then(() =>
      deps.signal.aborted ? undefined : runOnChange(entry.action, entry.files, deps),
    );
    running.set(key, run);
    void run.finally(() => {
      if (running.get(key) === run) running.delete(key);
    });
  }

  return {
    changed(due) {
      if (deps.signal.aborted) return;
      for (const item of due) {
        const key = JSON.stringify(item.action);
        const entry = pending.get(key) ?? {
          action: item.action,
          files: [],
          waitMs: item.waitMs,
          window: quietWindow(
            {
              waitMs: item.waitMs,
              capFactor: ON_CHANGE_WAIT_CAP,
              clock: deps.clock,
              timers: deps.timers,
            },
            () => fire(key),
          ),
        };
        entry.waitMs = Math.max(entry.waitMs, item.waitMs);
        for (const path of item.files) if (!entry.files.includes(path)) entry.files.push(path);
        if (pending.size === 0) deps.signal.addEventListener('abort', dropPending, { once: true });
        pending.set(key, entry);
        entry.window.poke(item.waitMs);
        log.debug(
          { files: entry.files, waitMs: entry.waitMs },
          'on_change due once its files are quiet',
        );
      }
    },
  };
}
