const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Go's base64.CorruptInputError: where the decoding stopped. */
export class CorruptInputError extends Error {
  readonly offset: number;

  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.offset = offset;
  }
}

const isNewline = (c: string | undefined) => c === '\n' || c === '\r';

/**
 * Go's base64.StdEncoding.DecodeString: padding required, `\r` and `\n` skipped, and the same
 * error offsets, because Vault quotes them (`error decoding given PGP key: illegal base64 data
 * at input byte 0` for an armored key).
 */
export function goBase64Decode(input: string): Uint8Array {
  const out: number[] = [];
  let si = 0;
  while (si < input.length) {
    const quantum: number[] = [];
    let padded = false;
    while (quantum.length < 4) {
      if (si === input.length) {
        if (quantum.length === 0) return new Uint8Array(out);
        throw new CorruptInputError(si - quantum.length);
      }
      const c = input[si] as string;
      si += 1;
      const value = VALUE.get(c);
      if (value !== undefined) {
        quantum.push(value);
        continue;
      }
      if (isNewline(c)) continue;
      if (c !== '=' || quantum.length < 2) throw new CorruptInputError(si - 1);
      if (quantum.length === 2) {
        while (isNewline(input[si])) si += 1;
        if (si === input.length) throw new CorruptInputError(input.length);
        if (input[si] !== '=') throw new CorruptInputError(si - 1);
        si += 1;
      }
      while (isNewline(input[si])) si += 1;
      if (si < input.length) throw new CorruptInputError(si);
      padded = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff);
    if (quantum.length > 2) out.push((bits >> 8) & 0xff);
    if (quantum.length > 3) out.push(bits & 0xff);
    if (padded) break;
  }
  return new Uint8Array(out);
}

/** Go's hex.DecodeString, or null where it fails (odd length, a non-hex byte). */
export function goHexDecode(input: string): Uint8Array | null {
  if (input.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(input)) return null;
  return new Uint8Array(Buffer.from(input, 'hex'));
}
