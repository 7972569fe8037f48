import { describe, expect, it } from 'vitest';
import { type CheckRow, formatCheckTable } from '../../src/check/run-check.ts';

describe('formatCheckTable', () => {
  it.each<[string, CheckRow, string]>([
    [
      'readable and present',
      { path: 'secret/app/db', capabilities: ['read'], allowed: true, exists: true },
      'secret/app/db  yes       yes     read',
    ],
    [
      'readable, missing',
      { path: 'secret/app/db', capabilities: ['read', 'list'], allowed: true, exists: false },
      'secret/app/db  yes       NO      read,list',
    ],
    [
      'not probed (would mint)',
      { path: 'pki/issue/web', capabilities: ['update'], allowed: true },
      'pki/issue/web  yes       -       update',
    ],
    [
      'denied',
      { path: 'secret/app/db', capabilities: [], allowed: false },
      'secret/app/db  NO        -       none',
    ],
    [
      'not asked about',
      { path: 'nomount/x', capabilities: [], allowed: false, note: 'unknown KV version' },
      'nomount/x  NO        -       unknown KV version',
    ],
  ])('%s', (_label, row, line) => {
    const [header, body, ...rest] = formatCheckTable([row]).split('\n');
    expect(header).toMatch(/^PATH +READABLE +EXISTS +CAPABILITIES$/);
    expect(body).toBe(line);
    expect(rest).toEqual(['']);
  });
});
