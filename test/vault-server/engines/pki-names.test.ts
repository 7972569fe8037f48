import { describe, expect, it } from 'vitest';
import { FieldData } from './field-data.ts';
import { firstDisallowedName, isHostname } from './pki-names.ts';
import { parseRole } from './pki-role.ts';

const role = (fields: Record<string, unknown>) => parseRole(new FieldData(fields));

describe('isHostname', () => {
  it.each([
    ['app.example.com', true],
    ['*.example.com', true],
    ['localhost', true],
    ['app_1.example.com', false],
    ['-bad.example.com', false],
    ['two words', false],
  ])('%s -> %s', (name, expected) => {
    expect(isHostname(name)).toBe(expected);
  });
});

describe('firstDisallowedName', () => {
  const domains = { allowed_domains: 'example.com' };
  it.each([
    [{ ...domains }, 'example.com', false],
    [{ ...domains, allow_bare_domains: true }, 'example.com', true],
    [{ ...domains, allow_bare_domains: true }, 'EXAMPLE.com', true],
    [{ ...domains }, 'app.example.com', false],
    [{ ...domains, allow_subdomains: true }, 'app.example.com', true],
    [{ ...domains, allow_subdomains: true }, 'a.b.example.com', true],
    [{ ...domains, allow_subdomains: true }, '*.example.com', true],
    [
      { ...domains, allow_subdomains: true, allow_wildcard_certificates: false },
      '*.example.com',
      false,
    ],
    [{ ...domains, allow_subdomains: true }, 'example.com.evil.org', false],
    [{ ...domains, allow_subdomains: true }, 'ops@app.example.com', true],
    [{ allowed_domains: 'app-*.example.com', allow_glob_domains: true }, 'app-1.example.com', true],
    [{ allowed_domains: 'app-*.example.com', allow_glob_domains: true }, 'web.example.com', false],
    [{}, 'localhost', true],
    [{ allow_localhost: false }, 'localhost', false],
    [{ allow_any_name: true }, 'anything.org', true],
    [{ allow_any_name: true }, 'not a hostname', false],
    [{ allow_any_name: true, enforce_hostnames: false }, 'not a hostname', true],
  ])('role %j allows %s: %s', (fields, name, allowed) => {
    expect(firstDisallowedName(role(fields), [name])).toBe(allowed ? undefined : name);
  });
});
