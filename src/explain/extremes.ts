/**
 * Smallest and largest of many numbers. `Math.min(...values)` passes every value as an argument
 * and throws a RangeError beyond ~100,000 of them (a scan pattern groups that many findings).
 */
export function minOf(values: Iterable<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

export function maxOf(values: Iterable<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > m) m = v;
  return m;
}
