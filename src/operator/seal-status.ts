import type { VaultClient } from '../vault/client.ts';

/** `sys/seal-status` and `sys/unseal` answer this raw object (WIRE §1). */
export interface SealStatus {
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  version?: string;
  cluster_name?: string;
}

export async function readSealStatus(client: VaultClient): Promise<SealStatus> {
  return (await client.raw<SealStatus>('GET', 'sys/seal-status')).body as SealStatus;
}

/** `2/3` while sealed; `unsealed` once done. */
export function describeSeal(status: SealStatus): string {
  if (!status.initialized) return 'not initialised';
  return status.sealed ? `sealed, progress ${status.progress}/${status.t}` : 'unsealed';
}
