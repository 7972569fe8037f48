import { UsageError } from '../errors/keyturn-error.ts';

export interface PrefixRule {
  from: string;
  to: string;
}

/** Parses repeated `--prefix-map OLD=NEW`; the longest OLD wins when several match. */
export function parsePrefixMap(flags: readonly string[]): PrefixRule[] {
  const rules = flags.map((flag) => {
    const equals = flag.indexOf('=');
    const from = flag.slice(0, equals);
    const to = flag.slice(equals + 1);
    if (equals <= 0 || to === '') {
      throw new UsageError(`--prefix-map ${flag}: expected OLD=NEW, e.g. secret/app/=kv/app/`);
    }
    if (from.endsWith('/') !== to.endsWith('/')) {
      throw new UsageError(`--prefix-map ${flag}: end both sides with "/" or neither`);
    }
    return { from, to };
  });
  return rules.sort((a, b) => b.from.length - a.from.length);
}

/** Where a backed-up path goes: the first (longest) matching rule, else unchanged. */
export function mapPath(path: string, rules: readonly PrefixRule[]): string {
  const rule = rules.find((r) => path.startsWith(r.from));
  return rule ? `${rule.to}${path.slice(rule.from.length)}` : path;
}
