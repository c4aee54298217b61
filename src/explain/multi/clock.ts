/**
 * Clock alignment between captures, as NTP does it. Let A be the capture nearer the client and B
 * the one nearer the server, and θ(t) = B's clock − A's clock. A packet seen at both shows
 * d = tB − tA = θ + delay travelling client→server and θ − delay travelling back, delays ≥ 0:
 * θ lies below every client→server difference and above every server→client one. The midpoint
 * of that interval is the estimate and half its width the uncertainty. If the interval comes out
 * inverted, B is the capture nearer the client and the roles swap.
 *
 * Clocks also drift (cheap oscillators run tens of ppm apart): over a long capture θ moves. So θ
 * is a line θ0 + rate·(t − epoch): the rate is fitted (least squares) through the midpoints of
 * short windows that hold packets both ways, and the interval is taken on the differences with the
 * fitted drift removed — a wrong rate widens the interval, so the uncertainty stays honest.
 *
 * With packets one way only (SYNs nobody answered) the interval has one end: the one-way delay
 * is unknown. It is bounded by what the captures show of the path (a round trip, or the gap
 * between retransmissions of one SYN — copies are paired in order, which assumes the delay is
 * shorter than that gap) and the estimate is the middle of that honest interval.
 */
import { maxOf, minOf } from '../extremes.ts';
export interface ClockSample {
  /** Time at the reference side of the pair (µs). */
  t: number;
  /** t(other) − t(reference), µs. */
  d: number;
  clientToServer: boolean;
  /** Which connection, to make per-window midpoints within one connection. */
  conn: number;
}

export interface PairClock {
  /** θ at `epoch` (µs): other capture's clock minus the reference's. */
  theta0: number;
  /** dθ/dt (dimensionless); 0 when the samples span too little time to measure drift. */
  rate: number;
  /** Whether the rate was measured (the samples span enough time). */
  driftMeasured: boolean;
  /** Half-width of the interval θ lies in (µs). */
  uncertainty: number;
  /** Packets were seen one way only: the one-way delay is unknown and bounds the uncertainty. */
  oneWay: boolean;
  /** The reference capture is nearer the client (true), nearer the server (false), unknown (null). */
  referenceNearerClient: boolean | null;
  samples: number;
}

/** Samples must span this long for a drift estimate (µs). */
const DRIFT_SPAN = 60_000_000;
const DRIFT_MIN_POINTS = 8;
/** Window within one connection over which both directions make one midpoint (µs). */
const WINDOW = 1_000_000;

export function estimatePair(
  samples: readonly ClockSample[],
  epoch: number,
  /** Largest plausible one-way delay (µs), for one-direction samples. */
  maxDelay: number,
  /** Orientation known from elsewhere (hop counts), for one-direction samples. */
  hint: boolean | null,
): PairClock | null {
  if (samples.length === 0) return null;
  const cs = samples.filter((s) => s.clientToServer);
  const sc = samples.filter((s) => !s.clientToServer);
  const span =
    samples.reduce((m, s) => Math.max(m, s.t), -Infinity) -
    samples.reduce((m, s) => Math.min(m, s.t), Infinity);

  if (cs.length === 0 || sc.length === 0) {
    // One way only: fit the drift on the differences themselves (the delay is roughly constant),
    // then the bound is the extreme difference.
    const fit =
      span >= DRIFT_SPAN && samples.length >= DRIFT_MIN_POINTS
        ? lineFit(samples.map((s) => [s.t, s.d]))
        : null;
    const rate = fit?.rate ?? 0;
    const detrended = samples.map((s) => s.d - rate * (s.t - epoch));
    const toServer = cs.length > 0;
    // Client→server packets: θ ≤ d if the reference is nearer the client (θ ≥ d if not).
    const lo = minOf(detrended);
    const hi = maxOf(detrended);
    let center: number;
    let half: number;
    if (hint === null) {
      center = (lo + hi) / 2;
      half = (hi - lo) / 2 + maxDelay;
    } else if (hint === toServer) {
      // θ = d − delay: below the smallest difference by up to maxDelay.
      center = lo - maxDelay / 2;
      half = maxDelay / 2;
    } else {
      center = hi + maxDelay / 2;
      half = maxDelay / 2;
    }
    return {
      theta0: center,
      rate,
      driftMeasured: fit !== null,
      uncertainty: half,
      oneWay: true,
      referenceNearerClient: hint,
      samples: samples.length,
    };
  }

  // Drift from midpoints of windows that saw both directions.
  let rate = 0;
  let driftMeasured = false;
  if (span >= DRIFT_SPAN) {
    const windows = new Map<string, { minCs: number; maxSc: number; t: number; n: number }>();
    for (const s of samples) {
      const k = `${s.conn}|${Math.floor(s.t / WINDOW)}`;
      let w = windows.get(k);
      if (w === undefined) {
        w = { minCs: Infinity, maxSc: -Infinity, t: 0, n: 0 };
        windows.set(k, w);
      }
      if (s.clientToServer) w.minCs = Math.min(w.minCs, s.d);
      else w.maxSc = Math.max(w.maxSc, s.d);
      w.t += s.t;
      w.n++;
    }
    const points: [number, number][] = [];
    for (const w of windows.values())
      if (Number.isFinite(w.minCs) && Number.isFinite(w.maxSc))
        points.push([w.t / w.n, (w.minCs + w.maxSc) / 2]);
    if (points.length >= DRIFT_MIN_POINTS) {
      const fit = lineFit(points);
      if (fit !== null) {
        rate = fit.rate;
        driftMeasured = true;
      }
    }
  }
  // The detrended differences' extremes in each direction, in one pass.
  let minCs = Infinity;
  let maxCs = -Infinity;
  let minSc = Infinity;
  let maxSc = -Infinity;
  for (const s of samples) {
    const d = s.d - rate * (s.t - epoch);
    if (s.clientToServer) {
      if (d < minCs) minCs = d;
      if (d > maxCs) maxCs = d;
    } else {
      if (d < minSc) minSc = d;
      if (d > maxSc) maxSc = d;
    }
  }
  // Reference nearer the client: sc ≤ θ ≤ cs. Otherwise cs ≤ θ ≤ sc. A slightly inverted
  // interval (timestamp jitter at two points on one segment) is decided by the majority of
  // per-connection windows rather than by the extremes.
  const referenceNearerClient =
    maxSc <= minCs || (!(maxCs <= minSc) && medianOf(cs, rate, epoch) >= medianOf(sc, rate, epoch));
  const lo = referenceNearerClient ? maxSc : minCs;
  const hi = referenceNearerClient ? minCs : maxSc;
  // An inverted interval (lo > hi) still centres the estimate; its width is the honest error.
  return {
    theta0: (lo + hi) / 2,
    rate,
    driftMeasured,
    uncertainty: Math.abs(hi - lo) / 2,
    oneWay: false,
    referenceNearerClient,
    samples: samples.length,
  };
}

function medianOf(list: readonly ClockSample[], rate: number, epoch: number): number {
  const v = list.map((s) => s.d - rate * (s.t - epoch)).sort((x, y) => x - y);
  return v[Math.floor(v.length / 2)];
}

/** Least squares d = a + rate·t; null when the times do not spread. */
function lineFit(points: readonly [number, number][]): { rate: number } | null {
  const n = points.length;
  let mt = 0;
  let md = 0;
  for (const [t, d] of points) {
    mt += t;
    md += d;
  }
  mt /= n;
  md /= n;
  let stt = 0;
  let std = 0;
  for (const [t, d] of points) {
    stt += (t - mt) * (t - mt);
    std += (t - mt) * (d - md);
  }
  if (stt <= 0) return null;
  return { rate: std / stt };
}

/**
 * One capture's clock against its reference: t_ref = t − θ(t_ref), θ(t) = theta0 + rate·(t − epoch).
 * Built along a chain of pairs when a capture shares no connection with the reference itself.
 */
export interface CaptureClock {
  capture: number;
  reference: number;
  theta0: number;
  rate: number;
  epoch: number;
  uncertainty: number;
  driftMeasured: boolean;
  oneWay: boolean;
  /** Captures the alignment passes through, from the reference's side (empty: direct). */
  via: number[];
  /** Connections shared with the capture it was aligned against. */
  matchedConnections: number;
}

/** θ of the chain reference→b→c from θ(ref→b) and θ(b→c) (each a line in its own reference's time). */
export function compose(ab: { theta0: number; rate: number }, bc: { theta0: number; rate: number }) {
  return { theta0: ab.theta0 + bc.theta0 + bc.rate * ab.theta0, rate: ab.rate + bc.rate * (1 + ab.rate) };
}

/** Invert a pair estimate: θ(b→a) as a line in b's time. */
export function invert(p: { theta0: number; rate: number }) {
  // t_b = t_a + θ0 + r(t_a − E)  ⇒  t_a = t_b − (θ0 + r(t_b − E))/(1 + r)
  return { theta0: -p.theta0 / (1 + p.rate), rate: -p.rate / (1 + p.rate) };
}

/** A time of the capture (µs) on its reference's clock. */
export function toReference(clock: CaptureClock, t: number): number {
  // t = t_ref + θ0 + r(t_ref − E)  ⇒  t_ref = (t − θ0 + r·E) / (1 + r)
  return (t - clock.theta0 + clock.rate * clock.epoch) / (1 + clock.rate);
}

/** A reference-clock time (µs) on the capture's own clock. */
export function fromReference(clock: CaptureClock, tRef: number): number {
  return tRef + clock.theta0 + clock.rate * (tRef - clock.epoch);
}
