/**
 * The renewer's environment: keyturn's own minus the credentials. The token reaches it only
 * over the pipe, and a secret ID prestart spent must not be there to be tried again (or read
 * from /proc/<pid>/environ for as long as the renewer lives).
 */
export function renewerEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || withheld.has(name)) continue;
    clean[name] = value;
  }
  return clean;
}

const withheld = new Set(['VAULT_TOKEN', 'VAULT_SECRET_ID']);
