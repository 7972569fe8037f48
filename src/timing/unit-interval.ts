/**
 * Clamps a random source's draw into [0, 1): a misbehaving source (NaN, 1, negatives) must
 * not move a delay outside its window.
 */
export function unitInterval(value: number): number {
  if (!(value > 0)) return 0;
  return value < 1 ? value : 1 - Number.EPSILON;
}
