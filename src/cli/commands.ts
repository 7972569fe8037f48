import type { Command } from 'commander';
import { RENEWER_COMMAND } from '../daemon/renewer-command.ts';
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
    configure: (c) => c.argument('<cmd...>', 'command and arguments, after --'),
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
      c
        .requiredOption('--role <role>', 'AppRole role name')
        .option('--wrap-ttl <duration>', 'wrapping TTL', '120s')
        .option('--cidr <cidr>', 'bind the secret ID to a CIDR (repeatable)', collect, [])
        .option('--metadata <k=v>', 'secret ID metadata (repeatable)', collect, [])
        .option('--num-uses <n>', 'how many logins the secret ID allows')
        .option('--json', 'print the wrap info as JSON'),
  },
  {
    name: 'launch',
    summary: 'issue a wrapped secret ID and start a container with it (Docker Engine API)',
    configure: (c) =>
      c.requiredOption('--role <role>', 'AppRole role name').requiredOption('--image <image>'),
  },
  {
    name: 'operator',
    summary: 'seal ceremony: init with PGP keys, unseal through gpg, report seal state',
    subcommands: [
      { name: 'init', summary: "initialise Vault, one PGP-encrypted share per operator's key" },
      { name: 'unseal', summary: 'unseal every node with a share decrypted through gpg' },
      { name: 'status', summary: 'seal and HA state (active, standby, sealed) of every node' },
    ],
  },
  {
    name: RENEWER_COMMAND,
    summary: 'internal: the renewer `prestart --daemon` leaves running',
    hidden: true,
    load: () => import('./commands/renewer.ts'),
  },
  { name: 'backup', summary: 'export a KV prefix to one encrypted, authenticated archive' },
  { name: 'restore', summary: 'restore a backup archive into the same or another cluster' },
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
