/**
 * Redaction by value: every secret keyturn learns (tokens, secret IDs, secret values,
 * private keys) is registered here, and every byte keyturn prints passes `redact` first.
 * Matching by value rather than by field name is what catches secrets quoted inside
 * messages that come from elsewhere (Vault's error texts, JSON parser errors, a command's
 * output).
 *
 * Log lines are redacted value by value (`redactJsonLine`), never as one string: a secret
 * `info` must not turn `"level":"info"` into `"[REDACTED]"`, and a secret `","msg` must not
 * break the line's JSON. Keys and keyturn's structural fields are left alone.
 */
export class Redactor {
  /**
   * Secret *data* shorter than this protects nothing and would blank ordinary words out of
   * every line. Credentials (tokens, secret IDs, JWTs, keys) are masked at any length.
   */
  static readonly minLength = 4;
  static readonly mask = '[REDACTED]';
  /** Fields keyturn writes itself on every line; never a secret, always kept as they are. */
  static readonly structuralFields: ReadonlySet<string> = new Set(['time', 'level']);

  readonly #values = new Set<string>();
  /** Longest first, so a secret that contains another is masked whole. */
  #sorted: string[] | undefined;

  /** Registers a credential (token, secret ID, role ID, JWT, private key): masked at any length. */
  add(value: string | undefined | null): void {
    if (typeof value === 'string') this.#register(value, 1);
  }

  /** Registers one value of secret data: masked when at least `minLength` long. */
  addValue(value: string | undefined | null): void {
    if (typeof value === 'string') this.#register(value, Redactor.minLength);
  }

  /** Registers every string and number found inside a JSON-like value (secret data maps). */
  addAll(value: unknown, depth = 0): void {
    if (depth > 64) return; // Vault's JSON is never this deep; a hostile body must not recurse forever
    if (typeof value === 'string') this.addValue(value);
    else if (Array.isArray(value)) for (const item of value) this.addAll(item, depth + 1);
    else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) this.addAll(item, depth + 1);
    } else if (typeof value === 'number' || typeof value === 'bigint') this.addValue(String(value));
  }

  #register(value: string, minLength: number): void {
    let changed = false;
    for (const [index, form] of formsOf(value).entries()) {
      // Derived forms of a tiny credential (base64 `YQ` of `a`) would mask noise only.
      if (index >= 2 && value.length < Redactor.minLength) break;
      if (form.length < minLength || this.#values.has(form)) continue;
      this.#values.add(form);
      changed = true;
    }
    if (changed) this.#sorted = undefined;
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

  /**
   * Redacts one JSON log line inside its string values only: keys and structural fields stay,
   * and the line stays valid JSON whatever a secret contains. A line that is not JSON (it
   * never should be) is redacted as text.
   */
  redactJsonLine(line: string): string {
    if (this.#values.size === 0) return line;
    const newline = line.endsWith('\n') ? '\n' : '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return this.redact(line);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return `${JSON.stringify(this.redactValue(parsed))}${newline}`;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed)) {
      out[key] = Redactor.structuralFields.has(key) ? value : this.redactValue(value);
    }
    return `${JSON.stringify(out)}${newline}`;
  }

  /** Every string inside `value` redacted; keys, numbers and booleans kept. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 64 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.redactValue(item, depth + 1);
    return out;
  }

  get size(): number {
    return this.#values.size;
  }
}

/**
 * The forms in which keyturn (or a command it runs) can print a value: as it is; JSON-escaped
 * (the json format, a quoted error); JSON with every non-ASCII and HTML character as `\uXXXX`
 * (Go's and Python's encoders); single-quote-escaped for a shell (the env format); base64;
 * and each long line of a multi-line value (one line of a PEM key quoted in an error).
 */
function formsOf(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1), unicodeEscaped(value, 'x4')];
  forms.push(unicodeEscaped(value, 'X4'));
  if (value.includes("'")) forms.push(value.replaceAll("'", `'\\''`));
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  forms.push(base64, base64.replace(/=+$/, ''), bytes.toString('base64url'));
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= 16) forms.push(line.trim());
  }
  return forms.filter((form) => form.length > 0);
}

/** JSON string body with non-ASCII, control and `<>&'` characters as `\uXXXX` (lower or upper hex). */
function unicodeEscaped(value: string, hex: 'x4' | 'X4'): string {
  const body = JSON.stringify(value).slice(1, -1);
  return body.replace(/[^\x20-\x7e]|[<>&']/g, (char) => {
    const code = char.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${hex === 'X4' ? code.toUpperCase() : code}`;
  });
}
