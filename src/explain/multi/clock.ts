import type { ConnectionMatch } from './correlate.ts';

/**
 * Clock alignment between two captures from the handshakes of matched connections, as NTP does
 * it: a packet travelling from the capture nearer the client (A) to the one nearer the server
 * (B) shows tB − tA = offset + delay, one travelling back shows tB − tA = offset − delay, with
 * delays ≥ 0. So the offset lies between the largest server→client difference and the smallest
 * client→server difference; the midpoint is the estimate and half the interval its uncertainty.
 * If the interval comes out inverted, B is the capture nearer the client and the roles swap.
 */
export interface ClockEstimate {
  /** Seconds to add to `capture`'s timestamps to express them in `reference`'s clock. */
  offset: number;
  /** Half-width of the interval the offset lies in (seconds). */
  uncertainty: number;
  /** Drift in parts per million over the captures' overlap, when enough matches span time. */
  driftPpm: number | null;
  /** The reference capture is nearer the client than `capture` (true), or nearer the server. */
  referenceNearerClient: boolean;
  matchedConnections: number;
  reference: number;
  capture: number;
}

interface Sample {
  /** t(capture) − t(reference), µs. */
  d: number;
  clientToServer: boolean;
  t: number;
}

export function estimateClock(
  reference: number,
  capture: number,
  matches: readonly ConnectionMatch[],
): ClockEstimate | null {
  const samples: Sample[] = [];
  let n = 0;
  for (const m of matches) {
    const a = m.byCapture.get(reference);
    const b = m.byCapture.get(capture);
    if (a === undefined || b === undefined) continue;
    n++;
    if (a.synTs >= 0 && b.synTs >= 0)
      samples.push({ d: b.synTs - a.synTs, clientToServer: true, t: a.synTs });
    if (a.synAckTs >= 0 && b.synAckTs >= 0)
      samples.push({ d: b.synAckTs - a.synAckTs, clientToServer: false, t: a.synAckTs });
    if (a.ackTs >= 0 && b.ackTs >= 0)
      samples.push({ d: b.ackTs - a.ackTs, clientToServer: true, t: a.ackTs });
    for (const ra of a.resets) {
      const rb = b.resets.find(
        (x) => x.fromClient === ra.fromClient && x.seq === ra.seq && x.flags === ra.flags,
      );
      if (rb !== undefined) samples.push({ d: rb.ts - ra.ts, clientToServer: ra.fromClient, t: ra.ts });
    }
  }
  if (n === 0 || samples.length === 0) return null;
  const bounds = (list: Sample[]) => {
    let minCs = Infinity;
    let maxSc = -Infinity;
    for (const s of list) {
      if (s.clientToServer) minCs = Math.min(minCs, s.d);
      else maxSc = Math.max(maxSc, s.d);
    }
    return { minCs, maxSc };
  };
  const { minCs, maxSc } = bounds(samples);
  let lo: number;
  let hi: number;
  let referenceNearerClient: boolean;
  if (!Number.isFinite(minCs) || !Number.isFinite(maxSc)) {
    // Only one direction seen: the best we can say is the one-sided bound.
    const only = Number.isFinite(minCs) ? minCs : maxSc;
    lo = only;
    hi = only;
    referenceNearerClient = true;
  } else if (maxSc <= minCs) {
    lo = maxSc;
    hi = minCs;
    referenceNearerClient = true;
  } else {
    lo = minCs;
    hi = maxSc;
    referenceNearerClient = false;
  }
  const offset = (lo + hi) / 2;
  // Drift: compare the midpoints of the first and second half of the samples in time.
  let driftPpm: number | null = null;
  const sorted = [...samples].sort((x, y) => x.t - y.t);
  const span = sorted.length > 0 ? sorted[sorted.length - 1].t - sorted[0].t : 0;
  if (sorted.length >= 8 && span > 60_000_000) {
    const half = Math.floor(sorted.length / 2);
    const mid = (list: Sample[]) => {
      const b = bounds(list);
      return Number.isFinite(b.minCs) && Number.isFinite(b.maxSc) ? (b.minCs + b.maxSc) / 2 : null;
    };
    const early = mid(sorted.slice(0, half));
    const late = mid(sorted.slice(half));
    const tEarly = sorted[Math.floor(half / 2)].t;
    const tLate = sorted[half + Math.floor((sorted.length - half) / 2)].t;
    if (early !== null && late !== null && tLate > tEarly)
      driftPpm = ((late - early) / (tLate - tEarly)) * 1e6;
  }
  return {
    offset: -offset / 1e6,
    uncertainty: (hi - lo) / 2 / 1e6,
    driftPpm,
    referenceNearerClient,
    matchedConnections: n,
    reference,
    capture,
  };
}
