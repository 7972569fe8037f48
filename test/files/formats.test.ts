import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSecret } from '../../src/files/formats.ts';
import { renderYaml } from '../../src/files/yaml-format.ts';

const data = {
  user: 'app',
  password: 'p\'a"ss\nword',
  port: 5432,
  tls: true,
  extra: { a: [1, 2] },
  none: null,
};

describe('renderSecret raw', () => {
  it.each([
    ['user', 'app'],
    ['password', 'p\'a"ss\nword'],
    ['port', '5432'],
    ['tls', 'true'],
    ['extra', '{"a":[1,2]}'],
    ['none', 'null'],
  ])('writes field %s as %j, nothing added', (field, expected) => {
    expect(renderSecret('raw', data, field)).toBe(expected);
  });

  it('names the missing field and the fields there are, never a value', () => {
    const error = (() => {
      try {
        return renderSecret('raw', data, 'passwd', 'secret/app/db');
      } catch (e) {
        return e as Error & { exitCode: number };
      }
    })() as Error & { exitCode: number };
    expect(error.exitCode).toBe(65);
    expect(error.message).toBe(
      'secret/app/db has no field "passwd" (its fields: user, password, port, tls, extra, none)',
    );
  });

  it('does not take an inherited property for a field', () => {
    expect(() => renderSecret('raw', data, 'toString')).toThrow('has no field "toString"');
  });

  it('needs a field', () => {
    expect(() => renderSecret('raw', data)).toThrow(expect.objectContaining({ exitCode: 64 }));
  });
});

describe('renderSecret json and yaml', () => {
  it('json is pretty, ends with a newline and parses back', () => {
    const text = renderSecret('json', data);
    expect(text).toBe(`${JSON.stringify(data, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(data);
  });

  it('yaml parses back to the same data, long values on one line', () => {
    const long = { token: `${'word '.repeat(40)}end` };
    expect(parse(renderYaml(data))).toEqual(data);
    expect(renderYaml(long).trimEnd().split('\n')).toHaveLength(1);
  });
});
