import { VaultHttpError } from '../backend.ts';

/** Vault's framework errors, as `http/logical.go` renders them (a one-item multierror). */
function multiError(text: string): string {
  return `1 error occurred:\n\t* ${text}\n\n`;
}

/** 404 for a path no engine route matches. */
export function unsupportedPath(): VaultHttpError {
  return new VaultHttpError(404, [multiError('unsupported path')]);
}

/** 405 for an operation a route does not support (e.g. LIST on a data path). */
export function unsupportedOperation(): VaultHttpError {
  return new VaultHttpError(405, [multiError('unsupported operation')]);
}

/** A read of nothing: 404 with an empty error list. */
export function notFound(): VaultHttpError {
  return new VaultHttpError(404, []);
}

/** `logical.ErrorResponse(text)`: 400 with the text as the only error. */
export function badRequest(text: string): VaultHttpError {
  return new VaultHttpError(400, [text]);
}

/** A handler's plain Go error: 500 with the text. */
export function internalError(text: string): VaultHttpError {
  return new VaultHttpError(500, [text]);
}
