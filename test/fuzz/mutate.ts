/** A small seeded PRNG (mulberry32): the same seed gives the same fuzz cases on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Values that have broken parsers and validators before. */
const interesting = [
  '',
  ' ',
  '-1',
  '0',
  '1e30',
  '-5',
  '9007199254740993',
  '123456789012345678901234567890',
  '1ns',
  '-5s',
  '99999999999h',
  '0.5',
  'NaN',
  'Infinity',
  '"0777"',
  '"7777"',
  '0777',
  '"04000"',
  'null',
  '~',
  'true',
  'yes',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{ a: { b: { c: 1 } } }',
  '../../etc/shadow',
  '/dev/zero',
  '/proc/self/environ',
  '"a\\u0000b"',
  '"\\n"',
  "'\\''",
  '&anchor x',
  '*alias',
  '!!binary aGVsbG8=',
  '!!js/function "f"',
  '<<: *x',
  '? complex',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} keyturn must not expand
  '"${HOME}"',
  '%2F',
  '" "',
  '"ünïcødé"',
  '"😀"',
  'x'.repeat(5000),
  '"\\t"',
  '|\n  block',
  'http://0.0.0.0:1',
  'https://',
  'ftp://x',
  '"hvs.AAAA"',
  '"- -"',
  '--help',
  '"SIGKILL"',
];

const yamlNoise = [
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '-',
  '"',
  "'",
  '!',
  '&',
  '*',
  '#',
  '|',
  '>',
  '\n',
  '\t',
  ' ',
  '?',
  '%',
  '@',
  '`',
  '\\',
  '\u0000',
  '\u00a0',
  '\ufeff',
];

/** One random edit of a YAML document's text. */
export function mutateYaml(text: string, random: () => number): string {
  const lines = text.split('\n');
  switch (Math.floor(random() * 7)) {
    case 0: {
      // replace a scalar after a colon with an interesting value
      const i = Math.floor(random() * lines.length);
      lines[i] = (lines[i] ?? '').replace(/:\s*[^{}[\],]+$/, `: ${pick(random, interesting)}`);
      return lines.join('\n');
    }
    case 1: {
      const at = Math.floor(random() * text.length);
      return text.slice(0, at) + pick(random, yamlNoise) + text.slice(at);
    }
    case 2: {
      const at = Math.floor(random() * text.length);
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20));
    }
    case 3: {
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 0, lines[Math.floor(random() * lines.length)] ?? '');
      return lines.join('\n');
    }
    case 4: {
      const i = Math.floor(random() * lines.length);
      const j = Math.floor(random() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 5:
      return text.slice(0, Math.floor(random() * text.length));
    default: {
      const i = Math.floor(random() * lines.length);
      const indent = /^\s*/.exec(lines[i] ?? '')?.[0] ?? '';
      lines.splice(
        i,
        0,
        `${indent}${pick(random, ['mode', 'owner', 'to', 'path', 'timeout', 'format', 'source', 'field', 'on_change', 'state_dir', 'unknown_key'])}: ${pick(random, interesting)}`,
      );
      return lines.join('\n');
    }
  }
}

const jsonValues: unknown[] = [
  '',
  ' ',
  'a b',
  '\n',
  'hvs.CAESI',
  's.abc',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(100_000),
  0,
  -1,
  1e308,
  123456789012345678901234567890n,
  true,
  null,
  [],
  {},
  ['a'],
  { nested: 'x' },
  '\u0000',
  '"},{',
  '😀',
  'ünï',
  '../..',
  '%2F',
];

/** A random --input-json payload: mostly objects with the known keys, some broken JSON. */
export function fuzzInputJson(random: () => number): string {
  const roll = random();
  if (roll < 0.15) {
    return pick(random, [
      '',
      '{',
      '[]',
      'null',
      '"x"',
      '{"secretId":',
      '{"a":1}}',
      '\u0000',
      '{"secretId":"a"',
      '1e999',
    ]);
  }
  // Built as text: `__proto__` must be a key of the payload, not the object's prototype.
  const keys = ['secretId', 'roleId', 'passphrase', 'secret_id', '__proto__', 'constructor', ''];
  const count = 1 + Math.floor(random() * 3);
  const entries: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = pick(random, jsonValues);
    const json = typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
    entries.push(`${JSON.stringify(pick(random, keys))}:${json}`);
  }
  const text = `{${entries.join(',')}}`;
  return random() < 0.2 ? text.slice(0, Math.floor(random() * text.length)) : text;
}
