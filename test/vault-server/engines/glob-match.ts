/** ryanuber/go-glob as Vault uses it: `*` matches any run of characters, nothing else is special. */
export function globMatch(pattern: string, subject: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(subject);
}
