import { describe, expect, it } from 'vitest';
import { parseJsonInput } from '../../src/cli/input-json.ts';
import { KeyturnError } from '../../src/errors/keyturn-error.ts';
import { Redactor } from '../../src/log/redactor.ts';

describe('parseJsonInput', () => {
  it('reads secretId and roleId and registers them for redaction', () => {
    const redactor = new Redactor();
    const input = parseJsonInput('{"secretId":"sid-12345","roleId":"rid-67890"}', redactor);
    expect(input).toEqual({ secretId: 'sid-12345', roleId: 'rid-67890' });
    expect(redactor.redact('sid-12345 rid-67890')).toBe('[REDACTED] [REDACTED]');
  });

  it.each([
    ['not JSON', '{"secretId": "sid-12345"', /not valid JSON \(input not shown\)/],
    ['an array', '["sid-12345"]', /must be a JSON object/],
    ['an unknown key', '{"secret":"sid-12345"}', /unknown key "secret"/],
    ['a non-string', '{"secretId":12345678}', /"secretId" must be a non-empty string/],
  ])('refuses %s with exit 64 without echoing the input', (_label, text, message) => {
    let caught: unknown;
    try {
      parseJsonInput(text, new Redactor());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyturnError);
    expect((caught as KeyturnError).exitCode).toBe(64);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('sid-12345');
    expect((caught as Error).message).not.toContain('12345678');
  });
});
