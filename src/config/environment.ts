import { type CleanedEnv, customCleanEnv, EnvError, makeValidator, str } from 'envalid';
import { UsageError } from '../errors/keyturn-error.ts';

/** The Vault CLI's variables (SPEC §2) plus keyturn's own, typed and named in camelCase. */
export interface Environment {
  address?: string;
  token?: string;
  caCert?: string;
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  tlsServerName?: string;
  skipVerify?: boolean;
  namespace?: string;
  roleId?: string;
  secretId?: string;
  configFile?: string;
}

/** Their values are credentials: an error names the variable, never what it holds. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'VAULT_TOKEN',
  'VAULT_SECRET_ID',
  'VAULT_ROLE_ID',
]);

const vaultUrl = makeValidator<string>((input) => {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new EnvError(`expected an http:// or https:// URL, got "${input}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvError(`expected an http:// or https:// URL, got "${input}"`);
  }
  return input;
});

// Go's strconv.ParseBool, which the Vault CLI reads VAULT_SKIP_VERIFY with: the same values
// mean the same here. Anything else is an error, never "skip": a typo like `flase` must not
// switch TLS checks off (nor silently leave them on while the operator believes otherwise).
const GO_TRUE: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE: ReadonlySet<string> = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const goBoolean = makeValidator<boolean>((input) => {
  if (GO_TRUE.has(input)) return true;
  if (GO_FALSE.has(input)) return false;
  throw new EnvError(
    `expected a boolean as the Vault CLI reads it (1 t T TRUE true True, or 0 f F FALSE false False), got "${input}"`,
  );
});

// A token or secret ID with a stray newline (`$(cat file)` of a file ending in one) or
// space would be refused by Vault with a confusing 403; say so before anything is sent.
const CREDENTIAL_RULE = 'expected no whitespace or control characters (value not shown)';
const credential = makeValidator<string>((input) => {
  if (/[\s\p{Cc}]/u.test(input)) throw new EnvError(CREDENTIAL_RULE);
  return input;
});

const optional = { default: undefined };
const specs = {
  VAULT_ADDR: vaultUrl(optional),
  VAULT_TOKEN: credential(optional),
  VAULT_CACERT: str(optional),
  VAULT_CAPATH: str(optional),
  VAULT_CLIENT_CERT: str(optional),
  VAULT_CLIENT_KEY: str(optional),
  VAULT_TLS_SERVER_NAME: str(optional),
  VAULT_SKIP_VERIFY: goBoolean(optional),
  VAULT_NAMESPACE: str(optional),
  VAULT_ROLE_ID: credential(optional),
  VAULT_SECRET_ID: credential(optional),
  KEYTURN_CONFIG: str(optional),
};

/** envalid middleware: the variables' names become the camelCase fields of Environment. */
function toEnvironment(clean: CleanedEnv<typeof specs>): Environment {
  return {
    address: clean.VAULT_ADDR,
    token: clean.VAULT_TOKEN,
    caCert: clean.VAULT_CACERT,
    caPath: clean.VAULT_CAPATH,
    clientCert: clean.VAULT_CLIENT_CERT,
    clientKey: clean.VAULT_CLIENT_KEY,
    tlsServerName: clean.VAULT_TLS_SERVER_NAME,
    skipVerify: clean.VAULT_SKIP_VERIFY,
    namespace: clean.VAULT_NAMESPACE,
    roleId: clean.VAULT_ROLE_ID,
    secretId: clean.VAULT_SECRET_ID,
    configFile: clean.KEYTURN_CONFIG,
  };
}

/** Throws one UsageError naming every bad variable; never exits, never prints. */
function reporter({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const lines = Object.entries(errors).flatMap(([name, error]) => {
    if (error === undefined) return [];
    // Whatever failed, a credential's error text is fixed: no validator can leak it.
    const why = SECRET_VARIABLES.has(name) ? CREDENTIAL_RULE : error.message;
    return [`  ${name}: ${why}`];
  });
  if (lines.length > 0) {
    throw new UsageError(['invalid environment:', ...lines].join('\n'), {
      details: { variables: Object.keys(errors) },
    });
  }
}

/**
 * Reads and checks the variables of SPEC §2 from a plain env map. An empty variable counts
 * as unset, as in the Vault CLI (`VAULT_ADDR= keyturn ...` does not mean "no address").
 */
export function readEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<Environment> {
  const present: Record<string, string> = {};
  for (const name of Object.keys(specs)) {
    const value = env[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  return customCleanEnv(present, specs, toEnvironment, { reporter });
}
