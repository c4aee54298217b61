import { formatAddress } from '../decode/address.ts';
import type { Connection } from '../tcp/connection.ts';
import { CaptureActivity } from './activity.ts';

/**
 * A few numbers kept for every connection after it ends, so rules that look across connections
 * (the SMB 445/139 race, listen-queue overflow bursts, TIME_WAIT reuse of a 4-tuple, reconnect
 * loops, scans) can see neighbours that had no reset of their own.
 */
export interface ConnectionSketch {
  id: number;
  capture: number;
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  start: number;
  end: number;
  endReason: string;
  established: boolean;
  /** 0 no reset, 1 client sent one, 2 server sent one, 3 both. */
  resetBy: number;
  clientBytes: number;
  serverBytes: number;
  /** Packets from each side (resets excluded) seen at this capture: their difference between
   *  vantage points is what the path lost. */
  clientPackets: number;
  /** A fingerprint of the first client message (first bytes), for "same request again". */
  firstRequest: string | null;
  serverPackets: number;
  synCount: number;
  // ---- for matching the same connection across captures (src/explain/multi/) ----
  clientIsn: number;
  serverIsn: number;
  /** Handshake times at this capture (µs, −1 unseen): first SYN, first SYN-ACK, completing ACK. */
  synTs: number;
  synAckTs: number;
  ackTs: number;
  /** Usual TTLs of each side's packets at this capture (−1 none). */
  clientTtl: number;
  serverTtl: number;
  /** Resets seen on this connection at this capture. */
  resets: readonly {
    fromClient: boolean;
    seq: number;
    ack: number;
    flags: number;
    ts: number;
    frame: number;
  }[];
}

/** Shared by every sketch without a reset (most of them): one array instead of one each. */
const NO_RESETS: ConnectionSketch['resets'] = Object.freeze([]);

export function sketchOf(c: Connection): ConnectionSketch {
  const first = c.messages?.messages.find((m) => m.fromClient) ?? null;
  return {
    id: c.id,
    capture: c.capture,
    client: formatAddress(c.client.ipVersion, c.client.address),
    server: formatAddress(c.server.ipVersion, c.server.address),
    clientPort: c.client.port,
    serverPort: c.server.port,
    start: c.startTs,
    end: c.lastTs,
    endReason: c.endReason,
    established: c.establishedTs >= 0,
    resetBy: (c.client.rstCount > 0 ? 1 : 0) | (c.server.rstCount > 0 ? 2 : 0),
    clientBytes: c.client.uniqueBytes,
    clientPackets: c.client.packets - c.client.rstCount,
    serverBytes: c.server.uniqueBytes,
    firstRequest: first === null ? null : fingerprint(first.bytes.subarray(0, 64)),
    serverPackets: c.server.packets - c.server.rstCount,
    synCount: c.client.synCount,
    clientIsn: c.client.isn,
    serverIsn: c.server.isn,
    synTs: c.client.isn >= 0 ? c.client.firstSynTs : -1,
    synAckTs: c.server.isn >= 0 ? c.server.firstSynTs : -1,
    ackTs: c.establishedTs,
    clientTtl: c.client.ttlMode,
    serverTtl: c.server.ttlMode,
    resets:
      c.resets === null
        ? NO_RESETS
        : c.resets.map((r) => ({
            fromClient: r.fromClient,
            seq: r.seq,
            ack: r.ack,
            flags: r.flags,
            ts: r.tsMicros,
            frame: r.frame,
          })),
  };
}

function fingerprint(bytes: Uint8Array): string {
  // FNV-1a over the prefix and its length: equal prefixes give equal fingerprints.
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

/** Sketches indexed for the lookups cause rules make. */
export class SketchIndex {
  readonly all: ConnectionSketch[] = [];
  /** When each capture was recording (for silences that span a gap in the capture). */
  readonly activity = new CaptureActivity();
  private readonly byHostPair = new Map<string, ConnectionSketch[]>();
  /** Most 4-tuples carry one connection: the sketch itself then, an array only on reuse. */
  private readonly byTuple = new Map<string, ConnectionSketch | ConnectionSketch[]>();
  /** One string per host address, shared by all its sketches (a sketch is kept for every
   *  connection: millions on a big capture). */
  private readonly hostNames = new Map<string, string>();
  /** Per capture, server address and port: kept sorted by start time, because a busy service has
   *  tens of thousands of connections and the rules ask only for those near one moment. */
  private readonly byService = new Map<string, ConnectionSketch[]>();

  add(s: ConnectionSketch): void {
    s.client = this.host(s.client);
    s.server = this.host(s.server);
    this.all.push(s);
    this.activity.add(s.capture, s.start, s.end);
    push(this.byHostPair, `${s.capture}|${s.client}|${s.server}`, s);
    const tuple = `${s.capture}|${s.client}|${s.clientPort}|${s.server}|${s.serverPort}`;
    const onTuple = this.byTuple.get(tuple);
    if (onTuple === undefined) this.byTuple.set(tuple, s);
    else if (Array.isArray(onTuple)) onTuple.push(s);
    else this.byTuple.set(tuple, [onTuple, s]);
    const key = `${s.capture}|${s.server}|${s.serverPort}`;
    const list = this.byService.get(key);
    if (list === undefined) this.byService.set(key, [s]);
    // Sketches arrive as connections end, nearly in start order: the insertion point is almost
    // always at or near the end, so this stays cheap.
    else list.splice(countStartingBefore(list, s.start, true), 0, s);
  }

  /**
   * Connections of the same capture to this server address and port that started less than
   * `radius` µs before or after `around`, in start order.
   */
  toService(
    capture: number,
    server: string,
    serverPort: number,
    around: number,
    radius: number,
  ): ConnectionSketch[] {
    const list = this.byService.get(`${capture}|${server}|${serverPort}`);
    if (list === undefined) return [];
    return list.slice(
      countStartingBefore(list, around - radius, true),
      countStartingBefore(list, around + radius, false),
    );
  }

  /** The shared copy of a host address string. */
  private host(name: string): string {
    const shared = this.hostNames.get(name);
    if (shared !== undefined) return shared;
    this.hostNames.set(name, name);
    return name;
  }

  /** Connections of the same capture between the same client and server hosts. */
  betweenHosts(capture: number, client: string, server: string): ConnectionSketch[] {
    return this.byHostPair.get(`${capture}|${client}|${server}`) ?? [];
  }

  /** Connections of the same capture on exactly this 4-tuple (port reuse), in start order. */
  onTuple(
    capture: number,
    client: string,
    clientPort: number,
    server: string,
    serverPort: number,
  ): ConnectionSketch[] {
    const onTuple = this.byTuple.get(`${capture}|${client}|${clientPort}|${server}|${serverPort}`);
    if (onTuple === undefined) return [];
    return Array.isArray(onTuple) ? onTuple : [onTuple];
  }
}

/** Binary search in a list sorted by start: how many sketches start before ts (or at it too). */
function countStartingBefore(list: readonly ConnectionSketch[], ts: number, orAt: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = list[mid].start;
    if (start < ts || (orAt && start === ts)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
