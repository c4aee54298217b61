import { seqDiff } from './seq.ts';

/**
 * Ranges of one direction's sequence space that the capture skipped (a segment started above
 * next-expected: "previous segment not captured") and that may still arrive — as an out-of-order
 * segment or the sender's retransmission of what the path dropped. Bytes that fill a hole were
 * delivered for the first time, so they count as unique bytes although they do not raise the
 * highest sequence number.
 *
 * Bounded: at most MAX_HOLES ranges, oldest dropped first (its bytes, should they still come, are
 * then not counted: an undercount, never a double count). Allocated on a direction's first gap.
 */
const MAX_HOLES = 8;

export class SequenceHoles {
  /** [start, end) pairs of raw 32-bit sequence numbers, in sequence order (a plain array: a
   *  typed array this size would get an off-heap buffer of its own). */
  private readonly ranges: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The capture jumped from `from` to `to` (from < to in sequence space). */
  open(from: number, to: number): void {
    if (this.count === MAX_HOLES) this.removeAt(0);
    this.ranges.push(from, to);
    this.count++;
  }

  /** Bytes of [from, to) that lie in holes; those bytes are no longer holes. */
  fill(from: number, to: number): number {
    let filled = 0;
    for (let i = 0; i < this.count; i++) {
      const a = this.ranges[2 * i];
      const b = this.ranges[2 * i + 1];
      // Overlap of [from, to) with [a, b), measured relative to a (modulo 2^32).
      const lo = Math.max(0, seqDiff(from, a));
      const hi = Math.min(seqDiff(b, a), seqDiff(to, a));
      if (hi <= lo) continue;
      filled += hi - lo;
      const keepLeft = lo > 0;
      const keepRight = hi < seqDiff(b, a);
      if (keepLeft && keepRight) {
        // The segment landed in the middle: two holes remain.
        this.ranges[2 * i + 1] = (a + lo) >>> 0;
        if (this.count === MAX_HOLES) {
          this.removeAt(0);
          i--;
        }
        this.insertAt(i + 1, (a + hi) >>> 0, b);
        i++;
      } else if (keepLeft) {
        this.ranges[2 * i + 1] = (a + lo) >>> 0;
      } else if (keepRight) {
        this.ranges[2 * i] = (a + hi) >>> 0;
      } else {
        this.removeAt(i);
        i--;
      }
    }
    return filled;
  }

  private removeAt(i: number): void {
    this.ranges.splice(2 * i, 2);
    this.count--;
  }

  private insertAt(i: number, from: number, to: number): void {
    this.ranges.splice(2 * i, 0, from, to);
    this.count++;
  }
}
