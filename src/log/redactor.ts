/**
 * Redaction by value: every secret keyturn learns (tokens, secret IDs, secret values,
 * private keys) is registered here, and every byte keyturn prints passes `redact` first.
 * Matching by value rather than by field name is what catches secrets quoted inside
 * messages that come from elsewhere (Vault's error texts, JSON parser errors).
 */
export class Redactor {
  /** Shorter values protect nothing and would blank ordinary words out of every line. */
  static readonly minLength = 4;
  static readonly mask = '[REDACTED]';

  readonly #values = new Set<string>();
  /** Longest first, so a secret that contains another is masked whole. */
  #sorted: string[] | undefined;

  /** Registers a secret, plus the forms in which it appears inside JSON and its longer lines. */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string') return;
    const forms = [value, JSON.stringify(value).slice(1, -1)];
    if (value.includes('\n')) {
      // A PEM key quoted in part (one line of it in an error) must still be caught.
      for (const line of value.split(/\r?\n/))
        if (line.trim().length >= 16) forms.push(line.trim());
    }
    let changed = false;
    for (const form of forms) {
      if (form.length < Redactor.minLength || this.#values.has(form)) continue;
      this.#values.add(form);
      changed = true;
    }
    if (changed) this.#sorted = undefined;
  }

  /** Registers every string found inside a JSON-like value (secret data maps). */
  addAll(value: unknown): void {
    if (typeof value === 'string') this.add(value);
    else if (Array.isArray(value)) for (const item of value) this.addAll(item);
    else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) this.addAll(item);
    } else if (typeof value === 'number' || typeof value === 'bigint') this.add(String(value));
  }

  /**
   * Plain substring replacement, not one alternation RegExp: V8 refuses a pattern over about
   * 32 KiB ("Regular expression too large"), and that error quoted the secrets it was built of.
   */
  redact(text: string): string {
    if (this.#values.size === 0) return text;
    this.#sorted ??= [...this.#values].sort((a, b) => b.length - a.length);
    let out = text;
    for (const value of this.#sorted)
      if (out.includes(value)) out = out.replaceAll(value, Redactor.mask);
    return out;
  }

  get size(): number {
    return this.#values.size;
  }
}
