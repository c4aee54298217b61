import type { Endpoint } from '../tcp/endpoint.ts';

/**
 * What each host's ordinary (non-reset) packets look like across every connection of the capture:
 * the TTLs/hop limits they arrive with, whether their IP IDs count up, whether they carry TCP
 * timestamps. A reset that carries a host's address but not its habits was probably made by
 * someone else (Weaver, Sommer & Paxson, "Detecting Forged TCP Reset Packets", NDSS 2009).
 */
export interface HostProfile {
  address: string;
  packets: number;
  /** TTL → packets seen with it (bounded: at most 16 distinct values kept). */
  ttls: Map<number, number>;
  ipIdSequential: number;
  ipIdZero: number;
  withTimestamp: number;
  connections: number;
}

export class HostProfiles {
  /** Capture → address → profile (two levels: no key string to build per connection). */
  private readonly hosts = new Map<number, Map<string, HostProfile>>();
  private count = 0;

  /**
   * Fold one side of an ended connection into its host's profile. Profiles are per capture: the
   * same host arrives with different TTLs at different vantage points.
   */
  add(capture: number, ep: Endpoint): void {
    const nonReset = ep.packets - ep.rstCount;
    if (nonReset <= 0) return;
    const address = ep.addressText;
    let inCapture = this.hosts.get(capture);
    if (inCapture === undefined) {
      inCapture = new Map();
      this.hosts.set(capture, inCapture);
    }
    let h = inCapture.get(address);
    if (h === undefined) {
      h = {
        address,
        packets: 0,
        ttls: new Map(),
        ipIdSequential: 0,
        ipIdZero: 0,
        withTimestamp: 0,
        connections: 0,
      };
      inCapture.set(address, h);
      this.count++;
    }
    h.packets += nonReset;
    h.connections++;
    h.ipIdSequential += ep.ipIdSequential;
    h.ipIdZero += ep.ipIdZero;
    h.withTimestamp += ep.withTimestamp;
    if (ep.ttlMode >= 0) addTtl(h, ep.ttlMode, nonReset);
    if (ep.ttlMin !== ep.ttlMode && ep.ttlMin < 256) addTtl(h, ep.ttlMin, 1);
    if (ep.ttlMax !== ep.ttlMode && ep.ttlMax >= 0) addTtl(h, ep.ttlMax, 1);
  }

  get(capture: number, address: string): HostProfile | undefined {
    return this.hosts.get(capture)?.get(address);
  }

  /** The TTL this host's packets usually arrive with at this capture, or -1 when never seen. */
  usualTtl(capture: number, address: string): number {
    const h = this.get(capture, address);
    if (h === undefined) return -1;
    let best = -1;
    let count = 0;
    for (const [ttl, n] of h.ttls) {
      if (n > count) {
        best = ttl;
        count = n;
      }
    }
    return best;
  }

  get size(): number {
    return this.count;
  }
}

function addTtl(h: HostProfile, ttl: number, n: number): void {
  const had = h.ttls.get(ttl);
  if (had !== undefined) h.ttls.set(ttl, had + n);
  else if (h.ttls.size < 16) h.ttls.set(ttl, n);
}

/** Common initial TTLs: 64 (Linux, macOS, BSD), 128 (Windows), 255 (network devices), 32, 60. */
export const INITIAL_TTLS = [32, 60, 64, 128, 255] as const;

/** Hops from the sender to the capture point, assuming the nearest initial TTL at or above. */
export function hopsFromTtl(ttl: number): number {
  for (const initial of INITIAL_TTLS) if (ttl <= initial) return initial - ttl;
  return 0;
}

/** The initial TTL a packet was probably sent with. */
export function initialTtl(ttl: number): number {
  for (const initial of INITIAL_TTLS) if (ttl <= initial) return initial;
  return 255;
}
