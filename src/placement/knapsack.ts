/**
 * 0/1 knapsack by dynamic programming over integer capacity: the subset of items with the largest total
 * value whose integer weights sum to at most `capacity`. Items with value ≤ 0 or weight > capacity are
 * never chosen. Empty input or capacity < 1 → value 0, no items. O(items × capacity).
 */
export function knapsack(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  capacity: number,
): { value: number; items: number[] } {
  const cap = Math.floor(capacity);
  const idx: number[] = [];
  let totalWeight = 0;
  let totalValue = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > 0 && weights[i]! <= cap) {
      idx.push(i);
      totalWeight += weights[i]!;
      totalValue += values[i]!;
    }
  }
  if (idx.length === 0 || cap < 1) return { value: 0, items: [] };
  if (totalWeight <= cap) return { value: totalValue, items: idx };
  const width = cap + 1;
  const best = new Float64Array(width);
  const take = new Uint8Array(idx.length * width);
  idx.forEach((item, k) => {
    const w = Math.max(0, Math.ceil(weights[item]!));
    const v = values[item]!;
    for (let c = cap; c >= w; c--) {
      const cand = best[c - w]! + v;
      if (cand > best[c]!) {
        best[c] = cand;
        take[k * width + c] = 1;
      }
    }
  });
  const items: number[] = [];
  let c = cap;
  for (let k = idx.length - 1; k >= 0; k--) {
    if (take[k * width + c]) {
      items.push(idx[k]!);
      c -= Math.max(0, Math.ceil(weights[idx[k]!]!));
    }
  }
  items.reverse();
  return { value: best[cap]!, items };
}
