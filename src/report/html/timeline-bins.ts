/**
 * The timeline's numbers: findings counted per time bin and per severity, stacked for drawing.
 *
 * A pure function with no imports and no closure, embedded in the page by its source
 * (`timelineBins.toString()`, like ladderLayout) so the browser and the unit tests run the same
 * code. Binning is one pass over the findings shown, so 50,000 of them re-bin in a few
 * milliseconds whenever a filter or the time window changes.
 *
 * uPlot draws bars from zero, so a stack is drawn as overlapping bars: series k holds the sum of
 * levels k…last and is drawn before series k+1, which covers its lower part. Level 0 (security)
 * ends up on top, the last level (benign) at the bottom. Empty bins are null, which uPlot skips.
 */
export interface TimelineBins {
  /** Bin centres, seconds since 1970 (uPlot's time scale unit). */
  x: number[];
  /** Seconds per bin. */
  width: number;
  /** counts[level][bin] */
  counts: number[][];
  /** stacked[k][bin] = counts of levels k… in that bin, null when 0. */
  stacked: (number | null)[][];
  total: number[];
  max: number;
}

export function timelineBins(
  times: ArrayLike<number>,
  levels: ArrayLike<number>,
  lo: number,
  hi: number,
  bins: number,
  levelCount: number,
): TimelineBins {
  const n = Math.max(1, Math.floor(bins));
  const width = (hi - lo) / n;
  const counts: number[][] = [];
  for (let k = 0; k < levelCount; k++) counts.push(new Array(n).fill(0));
  const total: number[] = new Array(n).fill(0);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    // A finding exactly at hi (the last one of the capture) goes in the last bin.
    if (!(t >= lo && t <= hi)) continue;
    const b = Math.min(n - 1, Math.floor((t - lo) / width));
    counts[levels[i]][b]++;
    total[b]++;
  }
  let max = 0;
  for (let b = 0; b < n; b++) if (total[b] > max) max = total[b];
  const stacked: (number | null)[][] = [];
  for (let k = 0; k < levelCount; k++) stacked.push(new Array(n).fill(null));
  for (let b = 0; b < n; b++) {
    let sum = 0;
    for (let k = levelCount - 1; k >= 0; k--) {
      sum += counts[k][b];
      stacked[k][b] = sum === 0 ? null : sum;
    }
  }
  const x: number[] = new Array(n);
  for (let b = 0; b < n; b++) x[b] = lo + (b + 0.5) * width;
  return { x, width, counts, stacked, total, max };
}
