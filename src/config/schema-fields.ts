import { isIP } from 'node:net';
import { constants } from 'node:os';
import * as z from 'zod/mini';
import { DURATION_PATTERN, tryParseDuration } from './duration.ts';
import { tryParseFileMode } from './file-mode.ts';

/**
 * The building blocks of the config schema: each checks one kind of value and says why not.
 * Written against zod/mini (functional checks): classic zod adds ~400 KiB and ~30 ms to every
 * start of the bundled CLI.
 */

/**
 * Classic zod's `.meta()`: a copy of `schema` carrying metadata for the JSON Schema, so shared
 * fields (pathField) stay bare. Not `.check(z.meta(...))`: that no-op check is one more
 * object to build at start-up (building the schema is most of its load time) and runs on
 * every parse.
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, meta);
  return copy;
}

/** Classic zod's `.describe()`: {@link withMeta} with only a description. */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  return withMeta(schema, { description });
}

/** An optional key whose description sits on the optional, where editors read it. */
export function optionalKey<T extends z.ZodMiniType>(schema: T, description: string) {
  return described(z.optional(schema), description);
}

/** A string that must not be empty; the error map words the problem "must not be empty". */
export function nonEmpty() {
  return z.string().check(z.minLength(1));
}

export const pathField = z.string().check(z.minLength(1, { error: 'must not be empty' }));

/** A Vault duration (`90s`, `1h30m`, `7d`) or a whole number of seconds. */
export function durationField(description: string) {
  const duration = z
    .union([z.string(), z.number()], { error: 'expected a duration like 90s or 1h30m' })
    .check(
      z.superRefine((value, ctx) => {
        const result = tryParseDuration(value);
        if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
      }),
    );
  return withMeta(duration, { description, pattern: DURATION_PATTERN });
}

/** A file mode as a quoted octal string; numbers are refused with the reason (see file-mode.ts). */
export const modeField = withMeta(
  z
    .string({
      error: (issue) => (issue.input === undefined ? undefined : modeMessage(issue.input)),
    })
    .check(
      z.superRefine((value, ctx) => {
        const message = modeMessage(value);
        if (message !== undefined) ctx.addIssue({ code: 'custom', message });
      }),
    ),
  { pattern: '^[0-7]{3,4}$', description: 'file mode as a quoted octal string, e.g. "0400"' },
);

function modeMessage(value: unknown): string | undefined {
  const result = tryParseFileMode(value);
  return result.ok ? undefined : result.message;
}

// Names would need /etc/passwd and /etc/group lookups, which a minimal image may not have.
function idField(what: string, description: string) {
  const error = `expected a numeric ${what} (names are not looked up: use e.g. \`id -u\` to find it)`;
  const id = z.int({ error }).check(z.gte(0, { error }), z.lte(4_294_967_294, { error }));
  return described(id, description);
}
export const uidField = idField('uid', 'numeric user id of the file (names are not accepted)');
export const gidField = idField('gid', 'numeric group id of the file (names are not accepted)');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envNameField = z
  .string()
  .check(
    z.regex(ENV_NAME, { error: 'expected an environment variable name (letters, digits, _)' }),
  );

export const kvVersionField = described(
  z.union([z.literal(1), z.literal(2)], { error: 'expected 1 or 2' }),
  'KV engine version, used when the mount cannot be inspected (403 on sys/internal/ui/mounts)',
);

export const ipField = z
  .string()
  .check(z.refine((value) => isIP(value) !== 0, { error: 'expected an IPv4 or IPv6 address' }));

const SIGNALS = new Set(Object.keys(constants.signals));

/** A signal name Node knows (`SIGHUP`), with what it is for. */
export function signalNameField(description: string) {
  return described(
    z.string().check(
      z.refine((value) => SIGNALS.has(value), {
        error: (issue) => `expected a signal name like SIGHUP, got "${String(issue.input)}"`,
      }),
    ),
    description,
  );
}

const signalField = signalNameField(
  'signal sent to the process whose pid is in pid_file, e.g. SIGHUP',
);

/** Either `{ signal, pid_file }` or `{ command, timeout? }`; which keys go together is a rule. */
export const onChangeSchema = described(
  z.strictObject({
    signal: z.optional(signalField),
    pid_file: described(z.optional(pathField), 'file holding the pid to signal'),
    command: described(
      z.optional(
        z
          .array(z.string(), { error: 'expected a list: [program, arg, ...]' })
          .check(z.minLength(1, { error: 'must name a program' })),
      ),
      'program and arguments, run without a shell',
    ),
    timeout: z.optional(durationField('how long the command may run (default 30s)')),
  }),
  'what to do when the file changed: { signal, pid_file } or { command: [...] }',
);

const sourceError = 'expected { env: NAME }, { file: PATH } or a string';

/** Where the role ID comes from: `{ env: NAME }`, `{ file: PATH }` or the literal string. */
export const roleIdSource = described(
  z.union(
    [
      z.string().check(z.minLength(1, { error: 'must not be empty' })),
      z.strictObject({ env: z.optional(envNameField), file: z.optional(pathField) }),
    ],
    { error: sourceError },
  ),
  'role ID source: { env: NAME }, { file: PATH } or a literal string',
);

/** Where the secret ID comes from; a file may be deleted after a successful login. */
export const secretIdSource = described(
  z.union(
    [
      z.string().check(z.minLength(1, { error: 'must not be empty' })),
      z.strictObject({
        env: z.optional(envNameField),
        file: z.optional(pathField),
        remove_after_read: described(
          z.optional(z.boolean()),
          'delete the file after a successful login',
        ),
      }),
    ],
    { error: sourceError },
  ),
  'secret ID (or wrapping token) source: { env: NAME }, { file: PATH, remove_after_read } or a literal',
);

export const wrappedField = described(
  z._default(
    z.union([z.literal('auto'), z.boolean()], { error: 'expected auto, true or false' }),
    'auto',
  ),
  'auto: a UUID is a plain secret ID, anything else a wrapping token; true; false',
);
