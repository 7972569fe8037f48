import { type Command, Option } from 'commander';
import type { CommandRun } from './context.ts';

/** A command module is loaded only when its command runs, so a start pays for one command. */
export interface CommandModule {
  run(run: CommandRun): Promise<number>;
}

export interface CommandSpec {
  name: string;
  summary: string;
  configure?: (command: Command) => void;
  /** Missing: registered with its help, exits 64 "not implemented yet". */
  load?: () => Promise<CommandModule>;
  subcommands?: CommandSpec[];
  /** Internal (the daemon's renewer): runs, but is not listed by --help. */
  hidden?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** What `issue-secret-id` and `launch` share: the launcher's token and the secret ID asked for. */
function secretIdOptions(c: Command): Command {
  return c
    .requiredOption('--role <role>', 'AppRole role name')
    .option('--mount <path>', 'AppRole mount', 'approle')
    .option('--wrap-ttl <duration>', 'wrapping TTL', '120s')
    .option('--cidr <cidr>', 'bind the secret ID to a CIDR (repeatable)', collect, [])
    .option('--metadata <k=v>', 'secret ID metadata (repeatable)', collect, [])
    .option('--num-uses <n>', 'how many logins the secret ID allows (0 = unlimited)')
    .option('--ttl <duration>', "the secret ID's own TTL (default: the role's secret_id_ttl)")
    .option('--token-file <file>', "the launcher's token, when VAULT_TOKEN is not set");
}

/** Every command of SPEC §1, in the order `--help` lists them. */
export const commandSpecs: CommandSpec[] = [
  {
    name: 'prestart',
    summary: 'authenticate, fetch every secret and certificate, write every file, exit',
    configure: (c) =>
      c
        .option('--daemon', 'then leave a detached renewer running for the same config')
        .option('--metrics-addr <host:port>', 'with --daemon: serve Prometheus metrics here'),
    load: () => import('./commands/prestart.ts'),
  },
  {
    name: 'agent',
    summary: 'prestart, then keep token, leases and certificates fresh until signalled',
    configure: (c) => c.option('--metrics-addr <host:port>', 'serve Prometheus metrics here'),
    load: () => import('./commands/agent.ts'),
  },
  {
    name: 'exec',
    summary: "prestart, then run CMD with secrets in its environment; exits with CMD's code",
    configure: (c) =>
      c
        .argument('<cmd...>', 'command and arguments, after --')
        .option('--metrics-addr <host:port>', 'serve Prometheus metrics here'),
    load: () => import('./commands/exec.ts'),
  },
  {
    name: 'status',
    summary: 'health check from local state (exit 0 healthy, 1 not)',
    configure: (c) =>
      c.option('--online', 'also ask Vault (token lookup-self)').option('--json', 'print JSON'),
    load: () => import('./commands/status.ts'),
  },
  {
    name: 'check',
    summary: 'dry run for CI: may the token read every configured path? (0 yes, 1 no)',
    load: () => import('./commands/check.ts'),
  },
  {
    name: 'issue-secret-id',
    summary: 'for a trusted launcher: create a response-wrapped secret ID for a role',
    configure: (c) =>
      secretIdOptions(c)
        .option('--json', 'print the wrap info as JSON')
        .option('--destroy <accessor>', 'destroy the secret ID with this accessor instead')
        .option('--role-id', "print the role's role ID instead"),
    load: () => import('./commands/issue-secret-id.ts'),
  },
  {
    name: 'launch',
    summary: 'issue a wrapped secret ID and start a container with it (Docker Engine API)',
    configure: (c) =>
      secretIdOptions(c)
        .requiredOption('--image <image>', 'image to run')
        .option('--name <name>', 'container name')
        .option('--env <k=v>', 'environment variable (repeatable)', collect, [])
        .option('--network <network>', 'network mode or network name (host, bridge, ...)')
        .option('--volume <src:dst[:ro]>', 'bind mount or named volume (repeatable)', collect, [])
        .option(
          '--tmpfs <path[:options]>',
          'tmpfs mount, e.g. /run/secrets:mode=0700 (repeatable)',
          collect,
          [],
        )
        .option('--label <k=v>', 'container label (repeatable)', collect, [])
        .option('--user <user>', 'user[:group] to run as')
        .option('--init', 'run an init as PID 1 (forwards signals, reaps zombies)')
        .option('--cmd <command>', 'command: words, or a JSON array like ["node","server.js"]')
        .addOption(
          new Option('--pull <policy>', 'pull the image')
            .choices(['missing', 'always', 'never'])
            .default('missing'),
        )
        .option(
          '--wait',
          'wait until it is healthy (HEALTHCHECK) or still running after --wait-timeout',
        )
        .option('--wait-timeout <duration>', 'how long --wait waits', '60s')
        .option('--replace <name>', 'replace this container once the new one is up')
        .option(
          '--stop-first',
          'with --replace: remove the old container before starting the new one',
        ),
    load: () => import('./commands/launch.ts'),
  },
  {
    name: 'operator',
    summary: 'seal ceremony: init with PGP keys, unseal through gpg, report seal state',
    subcommands: [
      {
        name: 'init',
        summary: "initialise Vault, one PGP-encrypted share per operator's key",
        configure: (c) =>
          c
            .option('--addr <url>', 'the node to initialise (default: VAULT_ADDR)')
            .option(
              '--pgp-keys <files>',
              "operators' public keys, comma-separated: share i goes to FILE.key",
            )
            .option('--key-shares <n>', 'number of shares (default: one per PGP key)')
            .option(
              '--key-threshold <n>',
              'shares needed to unseal (default: 3, at most --key-shares)',
            )
            .option(
              '--root-token-pgp-key <file>',
              'encrypt the root token to this key (FILE.root-token)',
            )
            .option('--dev', 'no PGP keys: plain shares in --share-dir (never for a real cluster)')
            .option('--share-dir <dir>', 'with --dev: where unseal-key-N files go', '.'),
        load: () => import('./commands/operator-init.ts'),
      },
      {
        name: 'unseal',
        summary: 'unseal every node with a share decrypted through gpg',
        configure: (c) =>
          c
            .option('--addr <url>', 'a node (repeatable; default: VAULT_ADDR)', collect, [])
            .option('--key-file <file>', 'share file from operator init (gpg decrypts it)')
            .option('--reset', 'discard the unseal progress of every sealed node'),
        load: () => import('./commands/operator-unseal.ts'),
      },
      {
        name: 'status',
        summary: 'seal and HA state (active, standby, sealed) of every node',
        configure: (c) =>
          c
            .option('--addr <url>', 'a node (repeatable; default: VAULT_ADDR)', collect, [])
            .option('--json', 'print JSON'),
        load: () => import('./commands/operator-status.ts'),
      },
    ],
  },
  {
    name: 'backup',
    summary: 'export a KV prefix to one encrypted, authenticated archive',
    configure: (c) =>
      c
        .requiredOption('--prefix <path>', 'KV folder to back up, e.g. secret/app/')
        .requiredOption('--out <file>', 'archive to write (atomically, mode 0600)')
        .option('--passphrase-file <file>', 'read the passphrase from this file')
        .option('--kv-version <1|2>', "the mount's KV version, if the token may not detect it"),
    load: () => import('./commands/backup.ts'),
  },
  {
    name: 'restore',
    summary: 'restore a backup archive (--dry-run, --overwrite)',
    configure: (c) =>
      c
        .requiredOption('--in <file>', 'archive written by keyturn backup')
        .option('--prefix-map <old=new>', 'restore OLD... under NEW... (repeatable)', collect, [])
        .option('--dry-run', 'report what would be created, updated or skipped; write nothing')
        .option('--overwrite', 'replace existing secrets (KV v2: check-and-set)')
        .option('--list', 'print the paths in the archive and stop')
        .option('--passphrase-file <file>', 'read the passphrase from this file')
        .option(
          '--kv-version <1|2>',
          "the target mount's KV version, if the token may not detect it",
        ),
    load: () => import('./commands/restore.ts'),
  },
  {
    name: 'config',
    summary: 'validate the config file or print its JSON Schema',
    subcommands: [
      {
        name: 'check',
        summary: 'validate a config file (exit 0 valid, 64 not)',
        configure: (c) => c.argument('[file]', 'config file (default: --config)'),
        load: () => import('./commands/config-check.ts'),
      },
      {
        name: 'schema',
        summary: 'print the JSON Schema of the config file',
        load: () => import('./commands/config-schema.ts'),
      },
    ],
  },
];
