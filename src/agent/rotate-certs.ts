import type { Actor } from '../timing/run-group.ts';
import { sleepUntil } from '../timing/sleep.ts';
import { boundClient } from './bound-client.ts';
import { certDueAtMs } from './cert-due-at.ts';
import { refetchUntilDone, slotPath } from './fetch-item.ts';
import { perGeneration } from './per-generation.ts';
import type { RenewerContext } from './renewer-context.ts';

/**
 * The rotate-certs actor (SPEC §6): each certificate is re-issued at `renew_at` of its own
 * lifetime, read from the certificate (so one kept from disk keeps its schedule), and the
 * set is rewritten and announced as one rotation.
 */
export function rotateCertsActor(ctx: RenewerContext): Actor | undefined {
  if (ctx.config.certs.length === 0) return undefined;
  const loops = ctx.config.certs.map((cert, index) => ({
    name: `cert ${cert.commonName}`,
    run: (signal: AbortSignal) => keepCert(ctx, index, signal),
  }));
  return perGeneration(ctx, 'rotate-certs', loops);
}

async function keepCert(ctx: RenewerContext, index: number, signal: AbortSignal): Promise<void> {
  const client = boundClient(ctx.client, signal);
  const cert = ctx.config.certs[index];
  if (!cert) return;
  const slot = { kind: 'cert', index } as const;
  for (;;) {
    const lifetime = ctx.live.certLifetimes[index];
    const dueAtMs = lifetime ? certDueAtMs(lifetime, cert.renewAt) : ctx.clock.now();
    ctx.out.log.debug(
      { cert: cert.cert, dueAt: new Date(dueAtMs).toISOString() },
      'certificate re-issue scheduled',
    );
    await sleepUntil(dueAtMs, ctx.clock, signal, ctx.timers);
    await refetchUntilDone(ctx, client, signal, slot, `issue from ${slotPath(ctx, slot)}`, 'cert');
    const notAfter = ctx.live.certLifetimes[index]?.notAfterMs ?? 0;
    ctx.out.log.info(
      { cert: cert.cert, notAfter: new Date(notAfter).toISOString() },
      'certificate re-issued',
    );
    await ctx.rewrite(signal);
    await ctx.saveState();
  }
}
