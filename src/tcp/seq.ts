/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4: comparisons are done in the serial-number
 * sense, so a connection whose numbers wrap past 2^32 keeps its order).
 */

/** Signed distance a − b in sequence space, in (−2^31, 2^31]. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLeq(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGeq(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** a + n as an unsigned 32-bit sequence number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Whether s lies in [lo, hi) in sequence space. */
export function seqInRange(s: number, lo: number, hi: number): boolean {
  return ((s - lo) | 0) >= 0 && ((hi - s) | 0) > 0;
}
