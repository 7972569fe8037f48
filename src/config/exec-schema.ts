import * as z from 'zod/mini';
import { described, durationField, optionalKey, signalNameField } from './schema-fields.ts';

/** The `exec:` block of SPEC §3: how `keyturn exec -- CMD` runs its child. */
export const execSchema = described(
  z.prefault(
    z.strictObject({
      on_change: described(
        z._default(z.enum(['restart', 'signal', 'none']), 'restart'),
        'when a secret in the child environment changes: restart it, signal it, or nothing',
      ),
      signal: optionalKey(
        signalNameField('signal sent to the child for on_change: signal'),
        'signal sent to the child for on_change: signal (default SIGHUP)',
      ),
      stop_signal: described(
        z._default(signalNameField('signal that asks the child to stop'), 'SIGTERM'),
        'signal that stops the child before a restart',
      ),
      stop_timeout: z._default(
        durationField('how long a stopping child gets before SIGKILL'),
        '30s',
      ),
      on_change_wait: z.optional(
        durationField(
          'quiet time after a change before the child is restarted or signalled (default: defaults.on_change_wait)',
        ),
      ),
    }),
    {},
  ),
  'how `keyturn exec -- CMD` runs its child',
);
