/**
 * The hidden command the detached renewer of `prestart --daemon` runs as: the other end of
 * the handover (handover.ts). Alone in its module so the CLI's command table can name it
 * without loading the handover code at every start.
 */
export const RENEWER_COMMAND = '__renewer';

/**
 * Node flags for the renewer, a process that sleeps for days between small bursts of work.
 * `--jitless`: V8 interprets instead of compiling machine code, and keeps no code space —
 * idle RSS 54.5 instead of 63.9 MiB against 41.8 MiB for an idle bare Node (bench/levers.ts,
 * README). A renewal's few ms of JavaScript do not miss the JIT. It also turns WebAssembly
 * off, which keyturn does not use (node:http, not fetch/undici). Semi-space and old-space
 * limits were measured too and gained under 1 MiB, so they are not set.
 */
export const RENEWER_NODE_FLAGS: readonly string[] = ['--jitless'];
