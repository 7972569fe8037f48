import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const BASE62 = `${UPPER}${LOWER}${DIGITS}`;

function pick(charset: string, random: (max: number) => number): string {
  return charset[random(charset.length)] ?? '';
}

/**
 * Vault's default database password policy: 20 characters from [a-zA-Z0-9-] with at least
 * one lowercase, one uppercase, one digit and one dash.
 */
export function generatePassword(random: (max: number) => number = randomInt): string {
  const chars = [pick(LOWER, random), pick(UPPER, random), pick(DIGITS, random), '-'];
  while (chars.length < 20) chars.push(pick(`${BASE62}-`, random));
  // Why: shuffle so the guaranteed characters are not always at the front.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

/**
 * Vault's default username template:
 * `v-{{.DisplayName | truncate 8}}-{{.RoleName | truncate 8}}-{{random 20}}-{{unix_time}}`.
 */
export function generateUsername(
  displayName: string,
  roleName: string,
  nowMs: number,
  random: (max: number) => number = randomInt,
): string {
  let suffix = '';
  while (suffix.length < 20) suffix += pick(BASE62, random);
  const unix = Math.floor(nowMs / 1000);
  return `v-${displayName.slice(0, 8)}-${roleName.slice(0, 8)}-${suffix}-${unix}`;
}
