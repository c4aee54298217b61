/**
 * When each capture was demonstrably recording TCP: the union of its connections' lifetimes. A
 * stretch with no TCP packet at all, anywhere in the capture, for longer than CAPTURE_GAP is a
 * gap in the capture (files merged from different days, a capture paused, a clock that jumped),
 * not time the hosts spent waiting: a silence is measured only up to the gap. So is the stretch
 * between the last TCP packet and a capture end that only other traffic reaches (ndpi's
 * zoom.pcap: TCP until 2019, then UDP stamped 2023).
 *
 * Holes are exact, not sampled: every TCP packet lies within its connection's [start, end], and
 * the tracker ends a connection idle for 2 h, so no connection spans a gap longer than that.
 * Shorter quiet stretches merge into one active segment (a quiet network is still recorded).
 */
export const CAPTURE_GAP = 3_600_000_000; // 1 h, µs

export interface CaptureGap {
  /** Last activity before the gap and first after it (µs). */
  from: number;
  to: number;
}

export class CaptureActivity {
  /** Per capture: active segments [start, end] (µs), sorted, separated by more than CAPTURE_GAP. */
  private readonly segments = new Map<number, number[]>();

  /** Fold in one connection's lifetime (cheap: it usually extends the last segment). */
  add(capture: number, start: number, end: number): void {
    let s = this.segments.get(capture);
    if (s === undefined) {
      this.segments.set(capture, [start, end]);
      return;
    }
    const n = s.length;
    // Fast path: overlaps or follows the last segment closely.
    if (start >= s[n - 2] && start <= s[n - 1] + CAPTURE_GAP) {
      if (end > s[n - 1]) s[n - 1] = end;
      return;
    }
    // General case: merge every segment within CAPTURE_GAP of [start, end].
    let lo = start;
    let hi = end;
    const kept: number[] = [];
    let inserted = false;
    for (let i = 0; i < n; i += 2) {
      const a = s[i];
      const b = s[i + 1];
      if (b + CAPTURE_GAP < lo) kept.push(a, b);
      else if (a - CAPTURE_GAP > hi) {
        if (!inserted) {
          kept.push(lo, hi);
          inserted = true;
        }
        kept.push(a, b);
      } else {
        lo = Math.min(lo, a);
        hi = Math.max(hi, b);
      }
    }
    if (!inserted) kept.push(lo, hi);
    s = kept;
    this.segments.set(capture, s);
  }

  /**
   * The first gap of the capture that begins at or after `ts` and before `until`, or null: a
   * silence from `ts` to `until` is a wait only up to `gap.from`.
   */
  gapWithin(capture: number, ts: number, until: number): CaptureGap | null {
    const s = this.segments.get(capture);
    if (s === undefined) return null;
    for (let i = 1; i < s.length; i += 2) {
      const from = s[i];
      const to = i + 1 < s.length ? s[i + 1] : until; // after the last segment: up to `until`
      if (to - from <= CAPTURE_GAP) continue;
      if (from >= ts && from < until) return { from, to };
      if (from < ts && to > ts) return { from: ts, to }; // ts itself lies in a gap
    }
    return null;
  }
}
