/**
 * Edit distance with adjacent transpositions (optimal string alignment): `on_chnage` is one
 * edit from `on_change`, as a person counts it. Config keys are short; O(n·m) is nothing.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The one known key close to a typo, for "did you mean": within a third of its length (at
 * least one edit), case ignored, and only when no other key is as close — a guess between
 * two would mislead more than it helps.
 */
export function closestKey(typo: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(typo.length / 3));
  const scored = known
    .map((key) => ({ key, distance: editDistance(typo.toLowerCase(), key.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((x, y) => x.distance - y.distance);
  const [first, second] = scored;
  if (!first || (second && second.distance === first.distance)) return undefined;
  return first.key;
}
