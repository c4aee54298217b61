import type { Connection } from '../tcp/connection.ts';
import { CaptureActivity } from './activity.ts';
import { RowTable } from './row-table.ts';
import {
  D_START,
  I_CAPTURE,
  I_CLIENT,
  I_PREV_ON_HOSTS,
  I_PREV_ON_TUPLE,
  I_SERVER,
  P_CLIENT,
  P_SERVER,
  SketchRows,
} from './sketch-rows.ts';

/**
 * A few numbers kept for every connection after it ends, so rules that look across connections
 * (the SMB 445/139 race, listen-queue overflow bursts, TIME_WAIT reuse of a 4-tuple, reconnect
 * loops, scans) can see neighbours that had no reset of their own. A SketchIndex keeps them as
 * typed-array rows (src/explain/sketch-rows.ts): the sketches it returns read their fields there.
 */
export interface ConnectionSketch {
  readonly id: number;
  readonly capture: number;
  readonly client: string;
  readonly server: string;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly start: number;
  readonly end: number;
  readonly endReason: string;
  readonly established: boolean;
  /** 0 no reset, 1 client sent one, 2 server sent one, 3 both. */
  readonly resetBy: number;
  readonly clientBytes: number;
  readonly serverBytes: number;
  /** Packets from each side (resets excluded) seen at this capture: their difference between
   *  vantage points is what the path lost. */
  readonly clientPackets: number;
  /** A fingerprint of the first client message (first bytes), for "same request again": equal
   *  for equal prefixes, otherwise different but for hash collisions (see `fingerprint`). */
  readonly firstRequest: number | null;
  readonly serverPackets: number;
  readonly synCount: number;
  // ---- for matching the same connection across captures (src/explain/multi/) ----
  readonly clientIsn: number;
  readonly serverIsn: number;
  /** Handshake times at this capture (µs, −1 unseen): first SYN, first SYN-ACK, completing ACK. */
  readonly synTs: number;
  readonly synAckTs: number;
  readonly ackTs: number;
  /** Usual TTLs of each side's packets at this capture (−1 none). */
  readonly clientTtl: number;
  readonly serverTtl: number;
  /** Resets seen on this connection at this capture. */
  readonly resets: readonly {
    fromClient: boolean;
    seq: number;
    ack: number;
    flags: number;
    ts: number;
    frame: number;
  }[];
}

export function sketchOf(c: Connection): ConnectionSketch {
  return sketchInto(c, {} as MutableSketch);
}

type MutableSketch = { -readonly [K in keyof ConnectionSketch]: ConnectionSketch[K] };

/**
 * Fills `s` with the sketch of `c`. SketchIndex.addConnection fills one reused object, which the
 * index copies into its rows: a sketch object per connection was ~400 bytes of garbage, most of
 * it boxed doubles.
 */
function sketchInto(c: Connection, s: MutableSketch): ConnectionSketch {
  const first = c.messages?.messages.find((m) => m.fromClient) ?? null;
  s.id = c.id;
  s.capture = c.capture;
  s.client = c.client.addressText;
  s.server = c.server.addressText;
  s.clientPort = c.client.port;
  s.serverPort = c.server.port;
  s.start = c.startTs;
  s.end = c.lastTs;
  s.endReason = c.endReason;
  s.established = c.establishedTs >= 0;
  s.resetBy = (c.client.rstCount > 0 ? 1 : 0) | (c.server.rstCount > 0 ? 2 : 0);
  s.clientBytes = c.client.uniqueBytes;
  s.clientPackets = c.client.packets - c.client.rstCount;
  s.serverBytes = c.server.uniqueBytes;
  s.firstRequest = first === null ? null : fingerprint(first.latin1 ?? first.bytes);
  s.serverPackets = c.server.packets - c.server.rstCount;
  s.synCount = c.client.synCount;
  s.clientIsn = c.client.isn;
  s.serverIsn = c.server.isn;
  s.synTs = c.client.isn >= 0 ? c.client.firstSynTs : -1;
  s.synAckTs = c.server.isn >= 0 ? c.server.firstSynTs : -1;
  s.ackTs = c.establishedTs;
  s.clientTtl = c.client.ttlMode;
  s.serverTtl = c.server.ttlMode;
  s.resets =
    c.resets === null
      ? NONE
      : c.resets.map((r) => ({
          fromClient: r.fromClient,
          seq: r.seq,
          ack: r.ack,
          flags: r.flags,
          ts: r.tsMicros,
          frame: r.frame,
        }));
  return s;
}

const NONE: ConnectionSketch['resets'] = Object.freeze([]);
const SCRATCH = {} as MutableSketch;

/**
 * FNV-1a over the first (at most 64) bytes and their count, packed into one safe integer
 * (hash · 128 + length < 2^39): equal prefixes give equal fingerprints. A number, not a string,
 * because every connection keeps one and its users only compare them. The bytes may come as a
 * latin1 string (one char per byte), as the message log keeps them.
 */
export function fingerprint(bytes: Uint8Array | string): number {
  const n = Math.min(bytes.length, 64);
  let h = 0x811c9dc5;
  if (typeof bytes === 'string')
    for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes.charCodeAt(i), 0x01000193);
  else for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0) * 128 + n;
}

/** Options of a SketchIndex (for tests). */
export interface SketchIndexOptions {
  /** Keep only these bits of every key hash: a small mask makes groups collide, as they may. */
  hashMask?: number;
}

/**
 * Sketches indexed for the lookups cause rules make: by 4-tuple (port reuse), by client and server
 * host, by service (server address and port) in start order. Keys are numbers mixed from the
 * capture, host numbers and ports, and a group is recognised by comparing the query with one of
 * its rows, so the index keeps no string per connection (see RowTable).
 */
export class SketchIndex {
  /** Every sketch, in the order added. */
  readonly all: ConnectionSketch[];
  /** When each capture was recording (for silences that span a gap in the capture). */
  readonly activity = new CaptureActivity();
  private readonly rows = new SketchRows();
  private readonly hashMask: number;
  /** Per 4-tuple: its last row (earlier ones chained by I_PREV_ON_TUPLE). */
  private readonly byTuple: RowTable;
  /** Per capture, client host and server host: its last row (earlier ones by I_PREV_ON_HOSTS). */
  private readonly byHostPair: RowTable;
  /** Per capture, server address and port: an index into `services`. */
  private readonly byService: RowTable;
  /**
   * A service's rows sorted by start time (one row alone as a number: a scan makes a service of
   * every port), because a busy service has tens of thousands of connections and the rules ask
   * only for those near one moment.
   */
  private readonly services: (number | number[])[] = [];

  constructor(options: SketchIndexOptions = {}) {
    this.all = this.rows.handles;
    this.hashMask = options.hashMask ?? -1;
    const rows = this.rows;
    this.byTuple = new RowTable((row) =>
      this.tupleHash(
        rows.int(row, I_CAPTURE),
        rows.int(row, I_CLIENT),
        rows.port(row, P_CLIENT),
        rows.int(row, I_SERVER),
        rows.port(row, P_SERVER),
      ),
    );
    this.byHostPair = new RowTable((row) =>
      this.hostPairHash(rows.int(row, I_CAPTURE), rows.int(row, I_CLIENT), rows.int(row, I_SERVER)),
    );
    this.byService = new RowTable((service) => {
      const row = this.firstOfService(service);
      return this.serviceHash(rows.int(row, I_CAPTURE), rows.int(row, I_SERVER), rows.port(row, P_SERVER));
    });
  }

  /** Indexes the sketch of an ended connection; returns it as the index keeps it. */
  addConnection(c: Connection): ConnectionSketch {
    return this.add(sketchInto(c, SCRATCH));
  }

  /** Indexes a sketch; returns the sketch as the index keeps it (the one its queries return). */
  add(s: ConnectionSketch): ConnectionSketch {
    const rows = this.rows;
    const handle = rows.append(s);
    const row = rows.length - 1;
    const capture = rows.int(row, I_CAPTURE);
    const client = rows.int(row, I_CLIENT);
    const server = rows.int(row, I_SERVER);
    this.activity.add(s.capture, s.start, s.end);

    const onTuple = this.tupleSlot(capture, client, s.clientPort, server, s.serverPort);
    rows.setInt(row, I_PREV_ON_TUPLE, this.byTuple.value(onTuple));
    this.byTuple.set(onTuple, row);

    const onHosts = this.hostPairSlot(capture, client, server);
    rows.setInt(row, I_PREV_ON_HOSTS, this.byHostPair.value(onHosts));
    this.byHostPair.set(onHosts, row);

    const onService = this.serviceSlot(capture, server, s.serverPort);
    const service = this.byService.value(onService);
    if (service < 0) {
      this.services.push(row); // first: growing the table rehashes every service, this one too
      this.byService.set(onService, this.services.length - 1);
    } else {
      const list = this.services[service];
      if (typeof list === 'number') {
        const sorted = s.start < rows.float(list, D_START) ? [row, list] : [list, row];
        this.services[service] = sorted;
      } else {
        // Sketches arrive as connections end, nearly in start order: the insertion point is
        // almost always at or near the end, so this stays cheap.
        list.splice(this.countStartingBefore(list, s.start, true), 0, row);
      }
    }
    return handle;
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
    const host = this.rows.hostNumber(server);
    if (host < 0) return [];
    const service = this.byService.value(this.serviceSlot(capture, host, serverPort));
    if (service < 0) return [];
    const list = this.services[service];
    const rows = typeof list === 'number' ? [list] : list;
    const from = this.countStartingBefore(rows, around - radius, true);
    const to = this.countStartingBefore(rows, around + radius, false);
    const found: ConnectionSketch[] = [];
    for (let i = from; i < to; i++) found.push(this.all[rows[i]]);
    return found;
  }

  /** Connections of the same capture between the same client and server hosts, in the order added. */
  betweenHosts(capture: number, client: string, server: string): ConnectionSketch[] {
    const clientHost = this.rows.hostNumber(client);
    const serverHost = this.rows.hostNumber(server);
    if (clientHost < 0 || serverHost < 0) return [];
    const last = this.byHostPair.value(this.hostPairSlot(capture, clientHost, serverHost));
    return this.chain(last, I_PREV_ON_HOSTS);
  }

  /** Connections of the same capture on exactly this 4-tuple (port reuse), in the order added. */
  onTuple(
    capture: number,
    client: string,
    clientPort: number,
    server: string,
    serverPort: number,
  ): ConnectionSketch[] {
    const clientHost = this.rows.hostNumber(client);
    const serverHost = this.rows.hostNumber(server);
    if (clientHost < 0 || serverHost < 0) return [];
    const last = this.byTuple.value(this.tupleSlot(capture, clientHost, clientPort, serverHost, serverPort));
    return this.chain(last, I_PREV_ON_TUPLE);
  }

  /** The sketches of a group from its last row back along `link`, returned oldest first. */
  private chain(last: number, link: number): ConnectionSketch[] {
    const found: ConnectionSketch[] = [];
    for (let row = last; row >= 0; row = this.rows.int(row, link)) found.push(this.all[row]);
    return found.reverse();
  }

  private tupleSlot(
    capture: number,
    client: number,
    clientPort: number,
    server: number,
    serverPort: number,
  ): number {
    const rows = this.rows;
    return this.byTuple.find(
      this.tupleHash(capture, client, clientPort, server, serverPort),
      (row) =>
        rows.int(row, I_CLIENT) === client &&
        rows.port(row, P_CLIENT) === clientPort &&
        rows.int(row, I_SERVER) === server &&
        rows.port(row, P_SERVER) === serverPort &&
        rows.int(row, I_CAPTURE) === capture,
    );
  }

  private hostPairSlot(capture: number, client: number, server: number): number {
    const rows = this.rows;
    return this.byHostPair.find(
      this.hostPairHash(capture, client, server),
      (row) =>
        rows.int(row, I_CLIENT) === client &&
        rows.int(row, I_SERVER) === server &&
        rows.int(row, I_CAPTURE) === capture,
    );
  }

  private serviceSlot(capture: number, server: number, serverPort: number): number {
    const rows = this.rows;
    return this.byService.find(this.serviceHash(capture, server, serverPort), (service) => {
      const row = this.firstOfService(service);
      return (
        rows.int(row, I_SERVER) === server &&
        rows.port(row, P_SERVER) === serverPort &&
        rows.int(row, I_CAPTURE) === capture
      );
    });
  }

  private firstOfService(service: number): number {
    const list = this.services[service];
    return typeof list === 'number' ? list : list[0];
  }

  private tupleHash(
    capture: number,
    client: number,
    clientPort: number,
    server: number,
    serverPort: number,
  ): number {
    const h = mix(mix(mix(mix(0x2545f491, capture), client), server), (clientPort << 16) | serverPort);
    return finish(h) & this.hashMask;
  }

  private hostPairHash(capture: number, client: number, server: number): number {
    return finish(mix(mix(mix(0x6a09e667, capture), client), server)) & this.hashMask;
  }

  private serviceHash(capture: number, server: number, serverPort: number): number {
    return finish(mix(mix(mix(0x3c6ef372, capture), server), serverPort)) & this.hashMask;
  }

  /** Binary search in a service's rows (sorted by start): how many start before ts (or at it too). */
  private countStartingBefore(list: readonly number[], ts: number, orAt: boolean): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = this.rows.float(list[mid], D_START);
      if (start < ts || (orAt && start === ts)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** One murmur3 step: folds a 32-bit word into the running hash. */
function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  const x = h ^ k;
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: every bit of every word reaches the low bits the table uses. */
function finish(h: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
