/**
 * 32-bit sequence arithmetic as Zeek does it (`seq_delta` is a signed 32-bit difference), plus the
 * wrap-aware 64-bit "full sequence space" Zeek uses for relative numbers and sizes.
 */

export const TWO_32 = 4294967296;

/** Signed 32-bit a − b. */
export function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/** a + n as unsigned 32 bits. */
export function seqPlus(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Whether s is within [lo, hi] in sequence space (Zeek's `seq_between`, inclusive ends). */
export function seqBetween(s: number, lo: number, hi: number): boolean {
  return seqDelta(s, lo) >= 0 && seqDelta(hi, s) >= 0;
}

/** `wraps` times 2^32 plus `seq` (exact in a float64 up to 2^53). */
export function fullSeq(seq: number, wraps: number): number {
  return wraps * TWO_32 + seq;
}
