import { isIP } from 'node:net';
import { constants } from 'node:os';
import { z } from 'zod';
import { DURATION_PATTERN, tryParseDuration } from './duration.ts';
import { tryParseFileMode } from './file-mode.ts';

/** The building blocks of the config schema: each checks one kind of value and says why not. */

export const pathField = z.string().min(1, { error: 'must not be empty' });

/** A Vault duration (`90s`, `1h30m`, `7d`) or a whole number of seconds. */
export function durationField(description: string) {
  return z
    .union([z.string(), z.number()], { error: 'expected a duration like 90s or 1h30m' })
    .superRefine((value, ctx) => {
      const result = tryParseDuration(value);
      if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
    })
    .meta({ description, pattern: DURATION_PATTERN });
}

/** A file mode as a quoted octal string; numbers are refused with the reason (see file-mode.ts). */
export const modeField = z
  .string({
    error: (issue) => (issue.input === undefined ? undefined : modeMessage(issue.input)),
  })
  .superRefine((value, ctx) => {
    const message = modeMessage(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  })
  .meta({
    pattern: '^[0-7]{3,4}$',
    description: 'file mode as a quoted octal string, e.g. "0400"',
  });

function modeMessage(value: unknown): string | undefined {
  const result = tryParseFileMode(value);
  return result.ok ? undefined : result.message;
}

// Names would need /etc/passwd and /etc/group lookups, which a minimal image may not have.
const idError = (what: string) =>
  `expected a numeric ${what} (names are not looked up: use e.g. \`id -u\` to find it)`;
export const uidField = z
  .int({ error: idError('uid') })
  .min(0, { error: idError('uid') })
  .max(4_294_967_294, { error: idError('uid') })
  .describe('numeric user id of the file (names are not accepted)');
export const gidField = z
  .int({ error: idError('gid') })
  .min(0, { error: idError('gid') })
  .max(4_294_967_294, { error: idError('gid') })
  .describe('numeric group id of the file (names are not accepted)');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envNameField = z
  .string()
  .regex(ENV_NAME, { error: 'expected an environment variable name (letters, digits, _)' });

export const kvVersionField = z
  .union([z.literal(1), z.literal(2)], { error: 'expected 1 or 2' })
  .describe(
    'KV engine version, used when the mount cannot be inspected (403 on sys/internal/ui/mounts)',
  );

export const ipField = z
  .string()
  .refine((value) => isIP(value) !== 0, { error: 'expected an IPv4 or IPv6 address' });

const SIGNALS = new Set(Object.keys(constants.signals));
export const signalField = z
  .string()
  .refine((value) => SIGNALS.has(value), {
    error: (issue) => `expected a signal name like SIGHUP, got "${String(issue.input)}"`,
  })
  .describe('signal sent to the process whose pid is in pid_file, e.g. SIGHUP');

/** Either `{ signal, pid_file }` or `{ command, timeout? }`; which keys go together is a rule. */
export const onChangeSchema = z
  .strictObject({
    signal: signalField.optional(),
    pid_file: pathField.optional().describe('file holding the pid to signal'),
    command: z
      .array(z.string(), { error: 'expected a list: [program, arg, ...]' })
      .min(1, { error: 'must name a program' })
      .optional()
      .describe('program and arguments, run without a shell'),
    timeout: durationField('how long the command may run (default 30s)').optional(),
  })
  .describe('what to do when the file changed: { signal, pid_file } or { command: [...] }');

/** Where the role ID comes from: `{ env: NAME }`, `{ file: PATH }` or the literal string. */
export const roleIdSource = z
  .union(
    [
      z.string().min(1, { error: 'must not be empty' }),
      z.strictObject({ env: envNameField.optional(), file: pathField.optional() }),
    ],
    { error: 'expected { env: NAME }, { file: PATH } or a string' },
  )
  .describe('role ID source: { env: NAME }, { file: PATH } or a literal string');

/** Where the secret ID comes from; a file may be deleted after a successful login. */
export const secretIdSource = z
  .union(
    [
      z.string().min(1, { error: 'must not be empty' }),
      z.strictObject({
        env: envNameField.optional(),
        file: pathField.optional(),
        remove_after_read: z
          .boolean()
          .optional()
          .describe('delete the file after a successful login'),
      }),
    ],
    { error: 'expected { env: NAME }, { file: PATH } or a string' },
  )
  .describe(
    'secret ID (or wrapping token) source: { env: NAME }, { file: PATH, remove_after_read } or a literal',
  );

export const wrappedField = z
  .union([z.literal('auto'), z.boolean()], { error: 'expected auto, true or false' })
  .default('auto')
  .describe('auto: a UUID is a plain secret ID, anything else a wrapping token; true; false');
