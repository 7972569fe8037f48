import type { Engine, EngineResponse, Operation } from '../backend.ts';
import { VaultHttpError } from '../backend.ts';

export { ManualClock } from '../clock.ts';

export interface CallOptions {
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  mountPath?: string;
}

/** Calls an engine the way the core does (engine unit tests only). */
export async function call(
  engine: Engine,
  operation: Operation,
  subPath: string,
  options: CallOptions = {},
): Promise<EngineResponse> {
  return await engine.handle({
    operation,
    subPath,
    mountPath: options.mountPath ?? 'mnt/',
    query: new URLSearchParams(options.query ?? {}),
    body: options.body ?? {},
    tokenId: 'test-token',
  });
}

/** The VaultHttpError a call throws, or a failure if it succeeds (engine unit tests only). */
export async function callError(
  engine: Engine,
  operation: Operation,
  subPath: string,
  options: CallOptions = {},
): Promise<VaultHttpError> {
  try {
    await call(engine, operation, subPath, options);
  } catch (error) {
    if (error instanceof VaultHttpError) return error;
    throw error;
  }
  throw new Error(`expected ${operation} ${subPath} to fail`);
}
