import type { RenewerContext } from './renewer-context.ts';

/**
 * Why 800 ms: keyturn must be gone within a second of SIGTERM (SPEC §6); a Vault that does
 * not answer by then leaves the token to expire on its own.
 */
const REVOKE_TIMEOUT_MS = 800;

/** `token.revoke_on_exit`: revoke-self, which revokes the token's leases with it. Never throws. */
export async function revokeOnExit(
  ctx: Pick<RenewerContext, 'client' | 'out' | 'live' | 'timers'>,
): Promise<void> {
  const { token, accessor } = ctx.live.token;
  const controller = new AbortController();
  const timer = ctx.timers.setTimeout(
    () => controller.abort(new Error(`no answer within ${REVOKE_TIMEOUT_MS} ms`)),
    REVOKE_TIMEOUT_MS,
  );
  try {
    await ctx.client.request('POST', 'auth/token/revoke-self', {
      token,
      signal: controller.signal,
    });
    ctx.out.log.info({ accessor }, 'revoked the token and its leases (revoke_on_exit)');
  } catch (error) {
    ctx.out.log.warn(
      { accessor, error: error instanceof Error ? error.message : String(error) },
      'could not revoke the token (revoke_on_exit): it expires on its own',
    );
  } finally {
    ctx.timers.clearTimeout(timer);
  }
}
