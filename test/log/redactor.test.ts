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

  it('leaves secret data shorter than the minimum alone', () => {
    const redactor = new Redactor();
    redactor.addValue('abc');
    expect(redactor.redact('abc')).toBe('abc');
    expect(redactor.size).toBe(0);
  });

  it('masks a credential at any length (issue 12: `invalid secret id: abc`)', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    redactor.add('z');
    expect(redactor.redact('invalid secret id: abc')).toBe('invalid secret id: [REDACTED]');
    expect(redactor.redact('zone')).toBe('[REDACTED]one');
  });

  it.each([
    ['\\u-escaped (Go, Python)', 'pässwörd<&>', 'p\\u00e4ssw\\u00f6rd\\u003c\\u0026\\u003e'],
    ['upper-case \\u escapes', 'pässwörd', 'p\\u00E4ssw\\u00F6rd'],
    ['base64', 'open-sesame-42', Buffer.from('open-sesame-42').toString('base64')],
    [
      'base64 without padding',
      'open-sesame-4',
      Buffer.from('open-sesame-4').toString('base64').replace(/=+$/, ''),
    ],
    ['shell single-quote escaped', "it's-a-secret", "it'\\''s-a-secret"],
  ])('masks the %s form', (_label, secret, form) => {
    const redactor = new Redactor();
    redactor.addValue(secret);
    expect(redactor.redact(`out: ${form} end`)).toBe('out: [REDACTED] end');
  });

  it('redacts a JSON log line inside values only: keys, level and time stay, the line stays JSON', () => {
    const redactor = new Redactor();
    redactor.addAll({ LOG_LEVEL: 'info', YEAR: '2026', EVIL: '","msg', path: 'path' });
    const line = `${JSON.stringify({
      level: 'info',
      time: '2026-12-02T12:00:00.000Z',
      msg: 'read info for 2026 and ","msg',
      path: 'secret/app',
      nested: { list: ['info'] },
      count: 2026,
    })}\n`;
    const out = redactor.redactJsonLine(line);
    expect(out.endsWith('\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({
      level: 'info',
      time: '2026-12-02T12:00:00.000Z',
      msg: 'read [REDACTED] for [REDACTED] and [REDACTED]',
      path: 'secret/app',
      nested: { list: ['[REDACTED]'] },
      count: 2026,
    });
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
