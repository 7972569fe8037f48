/**
 * The hidden command the detached renewer of `prestart --daemon` runs as: the other end of
 * the handover (handover.ts). Alone in its module so the CLI's command table can name it
 * without loading the handover code at every start.
 */
export const RENEWER_COMMAND = '__renewer';
