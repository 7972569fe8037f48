import { describe, expect, it } from 'vitest';
import { renderFiles } from '../../src/files/files-format.ts';

describe('renderFiles', () => {
  it('makes one file per key, values as text', () => {
    expect(renderFiles({ 'tls.crt': 'CERT', 'ca.pem': 'CA', n: 1 })).toEqual(
      new Map([
        ['tls.crt', 'CERT'],
        ['ca.pem', 'CA'],
        ['n', '1'],
      ]),
    );
  });

  it.each([
    ['../x', "contains '/'"],
    ['a/b', "contains '/'"],
    ['/etc/passwd', "contains '/'"],
    ['.', 'names a directory'],
    ['..', 'names a directory'],
    ['', 'is empty'],
    ['a\0b', 'contains a NUL byte'],
    ['.keyturn-tmp-abc', 'starts with .keyturn-tmp-, which keyturn uses for temporary files'],
    ['x'.repeat(256), 'is longer than 255 bytes'],
  ])('refuses key %j (%s)', (key, reason) => {
    expect(() => renderFiles({ ok: 'v', [key]: 'SECRETVALUE' }, 'secret/tls')).toThrow(
      expect.objectContaining({
        exitCode: 65,
        message: `secret/tls: key ${JSON.stringify(key)} is not a plain file name: it ${reason}`,
      }),
    );
  });

  it.each([['.hidden'], ['..dots'], ['with space'], ['a\\b'], ['ünï']])('accepts key %j', (key) => {
    expect([...renderFiles({ [key]: 'v' }).keys()]).toEqual([key]);
  });
});
