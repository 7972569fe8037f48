import { parseDurationSeconds } from '../go-duration.ts';
import { badRequest } from './engine-errors.ts';

/** Request fields read the way Vault's `framework.FieldData` coerces them (weakly typed JSON). */
export class FieldData {
  readonly #raw: Record<string, unknown>;

  constructor(raw: Record<string, unknown>) {
    this.#raw = raw;
  }

  /** Was the field sent (and not null)? */
  has(name: string): boolean {
    return this.#raw[name] !== undefined && this.#raw[name] !== null;
  }

  raw(name: string): unknown {
    return this.#raw[name];
  }

  string(name: string, fallback = ''): string {
    const value = this.#raw[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw conversionError(name, value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.#raw[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0 || value === '') return false;
    throw conversionError(name, value);
  }

  int(name: string, fallback: number): number {
    const value = this.#raw[name];
    if (value === undefined || value === null || value === '') return fallback;
    const parsed = typeof value === 'number' ? value : Number(value);
    if (typeof value === 'boolean' || !Number.isInteger(parsed)) throw conversionError(name, value);
    return parsed;
  }

  /** TypeDurationSecond: whole seconds from `90`, `"90"`, `"1h30m"`, `"7d"`. */
  durationSeconds(name: string, fallback = 0): number {
    if (!this.has(name)) return fallback;
    const seconds = parseDurationSeconds(this.#raw[name]);
    if (seconds === undefined) throw conversionError(name, this.#raw[name]);
    return Math.trunc(seconds);
  }

  /** TypeCommaStringSlice: an array, or one string split on commas; blanks dropped. */
  commaStrings(name: string): string[] {
    const value = this.#raw[name];
    if (value === undefined || value === null) return [];
    const items = Array.isArray(value) ? value.map(String) : this.string(name).split(',');
    return items.map((item) => item.trim()).filter((item) => item !== '');
  }

  /** TypeStringSlice: an array, or one string as a single item (SQL statements keep commas). */
  strings(name: string): string[] {
    const value = this.#raw[name];
    if (value === undefined || value === null || value === '') return [];
    return Array.isArray(value) ? value.map(String) : [this.string(name)];
  }

  /** TypeCommaIntSlice: `[1, 2]`, `"1,2"` or `3`. */
  ints(name: string): number[] {
    const value = this.#raw[name];
    if (value === undefined || value === null) return [];
    const items = Array.isArray(value) ? value : String(value).split(',');
    return items.map((item) => {
      const parsed = Number(typeof item === 'string' ? item.trim() : item);
      if (!Number.isInteger(parsed)) throw conversionError(name, value);
      return parsed;
    });
  }

  /** TypeMap: a JSON object, or undefined when absent. */
  map(name: string): Record<string, unknown> | undefined {
    const value = this.#raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw conversionError(name, value);
    return value as Record<string, unknown>;
  }
}

function conversionError(name: string, value: unknown) {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return badRequest(`error converting input ${shown} for field "${name}"`);
}
