import { type Actor, runGroup } from '../timing/run-group.ts';
import type { RenewerContext } from './renewer-context.ts';

/**
 * An actor running `loops` side by side, started again from `live` each time the token is
 * replaced: a new login brings new leases and certificates, and their schedules with them.
 */
export function perGeneration(ctx: RenewerContext, name: string, loops: Actor[]): Actor {
  return {
    name,
    async run(signal) {
      for (;;) {
        const generation = ctx.live.generation;
        await runGroup(loops, AbortSignal.any([signal, generation]), { timers: ctx.timers });
        signal.throwIfAborted();
        // A loop returned without being stopped: it has nothing left to do.
        if (!generation.aborted) return;
      }
    },
  };
}
