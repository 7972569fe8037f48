import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/log/redactor.ts';

describe('Redactor', () => {
  it.each([
    [
      'a plain value',
      's3cr3t-value',
      'login failed for s3cr3t-value!',
      'login failed for [REDACTED]!',
    ],
    [
      'a value quoted by Vault',
      'f1d2-secret-id',
      'invalid secret_id "f1d2-secret-id"',
      'invalid secret_id "[REDACTED]"',
    ],
    ['the JSON-escaped form', 'pa"ss\\word', '{"v":"pa\\"ss\\\\word"}', '{"v":"[REDACTED]"}'],
    ['regex metacharacters', 'a.b*c+(d)', 'x a.b*c+(d) y aXbbc', 'x [REDACTED] y aXbbc'],
    ['every occurrence', 'tok1', 'tok1 tok1', '[REDACTED] [REDACTED]'],
  ])('masks %s', (_label, secret, text, expected) => {
    const redactor = new Redactor();
    redactor.add(secret);
    expect(redactor.redact(text)).toBe(expected);
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const redactor = new Redactor();
    redactor.add('abcd');
    redactor.add('abcdefgh');
    expect(redactor.redact('abcdefgh')).toBe('[REDACTED]');
  });

  it('masks a line of a PEM key quoted on its own', () => {
    const key =
      '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\n-----END EC PRIVATE KEY-----\n';
    const redactor = new Redactor();
    redactor.add(key);
    expect(redactor.redact('bad line: MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5')).toBe(
      'bad line: [REDACTED]',
    );
  });

  it('leaves values shorter than the minimum alone', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    expect(redactor.redact('abc')).toBe('abc');
    expect(redactor.size).toBe(0);
  });

  it('registers every string and number inside secret data', () => {
    const redactor = new Redactor();
    redactor.addAll({ user: 'app-user', nested: { pin: 123456, list: ['first-one'] }, flag: true });
    expect(redactor.redact('app-user 123456 first-one true')).toBe(
      '[REDACTED] [REDACTED] [REDACTED] true',
    );
  });

  it('masks a secret far larger than a RegExp may be (256 KiB), beside short ones', () => {
    const redactor = new Redactor();
    const big = `big-${'x'.repeat(256 * 1024)}`;
    redactor.add(big);
    redactor.add('short-one');
    expect(redactor.redact(`a ${big} b short-one c`)).toBe('a [REDACTED] b [REDACTED] c');
  });
});
