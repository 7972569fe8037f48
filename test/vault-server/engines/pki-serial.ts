import { randomBytes } from 'node:crypto';

export interface PkiSerial {
  /** For @peculiar/x509 (positive big-endian hex). */
  hex: string;
  /** Vault's `serial_number`: lowercase hex byte pairs joined by `:`. */
  formatted: string;
}

/** A random serial below 2^159 like Vault's `certutil.GenerateSerialNumber`. */
export function randomSerial(random: (size: number) => Buffer = randomBytes): PkiSerial {
  const bytes = random(20);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  let start = 0;
  // Why: Vault prints big.Int.Bytes(), which has no leading zero bytes.
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const significant = bytes.subarray(start);
  const hex = significant.toString('hex');
  return { hex, formatted: formatSerial(hex) };
}

/** `39dd2e…` → `39:dd:2e:…`. */
export function formatSerial(hex: string): string {
  return (hex.toLowerCase().match(/../g) ?? []).join(':');
}
