import type { ConnectionSketch } from './sketch.ts';

/**
 * The numbers of every connection sketch of a run, in typed arrays, one row per sketch; the
 * sketches the rules see are thin handles over a row (see SketchHandle). A sketch is kept for
 * every connection, millions on a big capture: as plain objects, this V8 boxed each of their
 * double fields above 2^31 (times, ISNs) in a 16-byte heap number, so a sketch took ~770 bytes
 * with its index entries; a row takes 143 bytes, a reset 36, a handle 40 (~225 in all).
 *
 * Rows live in chunks of CHUNK_ROWS: growing allocates one more chunk, copies nothing, and leaves
 * at most one chunk partly unused (a doubled array leaves up to half its rows unused, and holds
 * old and new copies while it grows).
 */
const CHUNK_BITS = 10;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_ROWS - 1;

// Float64 slots of a row: capture times in µs since 1970 (beyond 2^32), ISNs (32-bit unsigned or
// −1), byte and packet counts (unbounded), the first-request fingerprint (a 39-bit number), the
// connection id (vantage points of one file number theirs from 2^32 apart: src/cli/capture-trackers.ts).
export const D_START = 0;
const D_END = 1;
const D_SYN_TS = 2;
const D_SYN_ACK_TS = 3;
const D_ACK_TS = 4;
const D_CLIENT_ISN = 5;
const D_SERVER_ISN = 6;
const D_CLIENT_BYTES = 7;
const D_SERVER_BYTES = 8;
const D_CLIENT_PACKETS = 9;
const D_SERVER_PACKETS = 10;
/** −1 for none. */
const D_FIRST_REQUEST = 11;
const D_ID = 12;
const D_STRIDE = 13;

// Int32 slots: capture indexes (a counter of a run, far below 2^31), host numbers (see
// SketchRows.hosts), SYN counts, the previous row of the same 4-tuple and host pair (−1 none),
// which chain each group's rows for SketchIndex, and where the row's resets begin in ResetRows.
export const I_CAPTURE = 0;
export const I_CLIENT = 1;
export const I_SERVER = 2;
const I_SYN_COUNT = 3;
export const I_PREV_ON_TUPLE = 4;
export const I_PREV_ON_HOSTS = 5;
/** How many resets the rows before this one had: its own are the next ones, up to the next row's. */
const I_RESETS_BEFORE = 6;
const I_STRIDE = 7;

// Uint16 slots: ports.
export const P_CLIENT = 0;
export const P_SERVER = 1;
const P_STRIDE = 2;

// Int16 slots: TTLs (0–255, −1 none).
const T_CLIENT = 0;
const T_SERVER = 1;
const T_STRIDE = 2;

// Uint8 slots: which side reset (0–3), established (0/1), end reason (see SketchRows.reasons).
const B_RESET_BY = 0;
const B_ESTABLISHED = 1;
const B_END_REASON = 2;
const B_STRIDE = 3;

/** Shared by every sketch without a reset (most of them): one array instead of one each. */
const NO_RESETS: ConnectionSketch['resets'] = Object.freeze([]);

type Reset = ConnectionSketch['resets'][number];

/** The rows of CHUNK_ROWS sketches, and the rows they belong to (for shared strings and resets). */
class SketchChunk {
  readonly d = new Float64Array(CHUNK_ROWS * D_STRIDE);
  readonly i = new Int32Array(CHUNK_ROWS * I_STRIDE);
  readonly p = new Uint16Array(CHUNK_ROWS * P_STRIDE);
  readonly t = new Int16Array(CHUNK_ROWS * T_STRIDE);
  readonly b = new Uint8Array(CHUNK_ROWS * B_STRIDE);
  readonly rows: SketchRows;
  /** Index of the chunk's first row. */
  readonly first: number;

  constructor(rows: SketchRows, first: number) {
    this.rows = rows;
    this.first = first;
  }
}

/**
 * A sketch as rules and multi/ see it: the ConnectionSketch fields by name, read from its row.
 * Handles are made once per sketch and kept, so a sketch keeps its identity (Map keys, ===);
 * `resets` is built from the reset rows on each read (only multi/ reads it, and seldom).
 */
class SketchHandle implements ConnectionSketch {
  private readonly chunk: SketchChunk;
  /** Row within the chunk. */
  private readonly at: number;

  constructor(chunk: SketchChunk, at: number) {
    this.chunk = chunk;
    this.at = at;
  }

  get resets(): ConnectionSketch['resets'] {
    return this.chunk.rows.resetsOf(this.chunk.first + this.at);
  }

  get id(): number {
    return this.chunk.d[this.at * D_STRIDE + D_ID];
  }

  get capture(): number {
    return this.chunk.i[this.at * I_STRIDE + I_CAPTURE];
  }

  get client(): string {
    return this.chunk.rows.host(this.chunk.i[this.at * I_STRIDE + I_CLIENT]);
  }

  get server(): string {
    return this.chunk.rows.host(this.chunk.i[this.at * I_STRIDE + I_SERVER]);
  }

  get clientPort(): number {
    return this.chunk.p[this.at * P_STRIDE + P_CLIENT];
  }

  get serverPort(): number {
    return this.chunk.p[this.at * P_STRIDE + P_SERVER];
  }

  get start(): number {
    return this.chunk.d[this.at * D_STRIDE + D_START];
  }

  get end(): number {
    return this.chunk.d[this.at * D_STRIDE + D_END];
  }

  get endReason(): string {
    return this.chunk.rows.reason(this.chunk.b[this.at * B_STRIDE + B_END_REASON]);
  }

  get established(): boolean {
    return this.chunk.b[this.at * B_STRIDE + B_ESTABLISHED] === 1;
  }

  get resetBy(): number {
    return this.chunk.b[this.at * B_STRIDE + B_RESET_BY];
  }

  get clientBytes(): number {
    return this.chunk.d[this.at * D_STRIDE + D_CLIENT_BYTES];
  }

  get serverBytes(): number {
    return this.chunk.d[this.at * D_STRIDE + D_SERVER_BYTES];
  }

  get clientPackets(): number {
    return this.chunk.d[this.at * D_STRIDE + D_CLIENT_PACKETS];
  }

  get serverPackets(): number {
    return this.chunk.d[this.at * D_STRIDE + D_SERVER_PACKETS];
  }

  get firstRequest(): number | null {
    const v = this.chunk.d[this.at * D_STRIDE + D_FIRST_REQUEST];
    return v < 0 ? null : v;
  }

  get synCount(): number {
    return this.chunk.i[this.at * I_STRIDE + I_SYN_COUNT];
  }

  get clientIsn(): number {
    return this.chunk.d[this.at * D_STRIDE + D_CLIENT_ISN];
  }

  get serverIsn(): number {
    return this.chunk.d[this.at * D_STRIDE + D_SERVER_ISN];
  }

  get synTs(): number {
    return this.chunk.d[this.at * D_STRIDE + D_SYN_TS];
  }

  get synAckTs(): number {
    return this.chunk.d[this.at * D_STRIDE + D_SYN_ACK_TS];
  }

  get ackTs(): number {
    return this.chunk.d[this.at * D_STRIDE + D_ACK_TS];
  }

  get clientTtl(): number {
    return this.chunk.t[this.at * T_STRIDE + T_CLIENT];
  }

  get serverTtl(): number {
    return this.chunk.t[this.at * T_STRIDE + T_SERVER];
  }

  /** The fields as a plain object (JSON.stringify, and for util.inspect below). */
  toJSON(): ConnectionSketch {
    return {
      id: this.id,
      capture: this.capture,
      client: this.client,
      server: this.server,
      clientPort: this.clientPort,
      serverPort: this.serverPort,
      start: this.start,
      end: this.end,
      endReason: this.endReason,
      established: this.established,
      resetBy: this.resetBy,
      clientBytes: this.clientBytes,
      serverBytes: this.serverBytes,
      clientPackets: this.clientPackets,
      firstRequest: this.firstRequest,
      serverPackets: this.serverPackets,
      synCount: this.synCount,
      clientIsn: this.clientIsn,
      serverIsn: this.serverIsn,
      synTs: this.synTs,
      synAckTs: this.synAckTs,
      ackTs: this.ackTs,
      clientTtl: this.clientTtl,
      serverTtl: this.serverTtl,
      resets: this.resets,
    };
  }

  /** console.log and assertion messages show the sketch, not its chunk's typed arrays. */
  [Symbol.for('nodejs.util.inspect.custom')](): ConnectionSketch {
    return this.toJSON();
  }
}

/** Every sketch of a run as rows, and a handle per row (in the order they were added). */
export class SketchRows {
  readonly handles: ConnectionSketch[] = [];
  /** Host address strings by number: one string per host, shared by all its sketches. */
  private readonly hosts: string[] = [];
  private readonly hostNumbers = new Map<string, number>();
  /** End reasons by number (a handful: see EndReason in src/tcp/connection.ts). */
  private readonly reasons: string[] = [];
  private readonly reasonNumbers = new Map<string, number>();
  private readonly chunks: SketchChunk[] = [];
  private readonly resetRows = new ResetRows();

  get length(): number {
    return this.handles.length;
  }

  host(n: number): string {
    return this.hosts[n];
  }

  reason(n: number): string {
    return this.reasons[n];
  }

  /** A row's resets, as new objects (NO_RESETS when it has none). */
  resetsOf(row: number): ConnectionSketch['resets'] {
    const from = this.int(row, I_RESETS_BEFORE);
    const to = row + 1 < this.handles.length ? this.int(row + 1, I_RESETS_BEFORE) : this.resetRows.length;
    if (from === to) return NO_RESETS;
    const resets: Reset[] = [];
    for (let r = from; r < to; r++) resets.push(this.resetRows.get(r));
    return resets;
  }

  /** The host's number, −1 when no sketch has that address. */
  hostNumber(address: string): number {
    return this.hostNumbers.get(address) ?? -1;
  }

  /** Stores a sketch as a new row (links to neighbours left −1) and returns its handle. */
  append(s: ConnectionSketch): ConnectionSketch {
    // A closed set in the tracker (six today): a byte is plenty, but fail loudly, not silently.
    if (this.reasons.length > 0xff && !this.reasonNumbers.has(s.endReason))
      throw new RangeError(`more than 256 end reasons (${s.endReason})`);
    const row = this.handles.length;
    const at = row & CHUNK_MASK;
    if (at === 0) this.chunks.push(new SketchChunk(this, row));
    const chunk = this.chunks[row >>> CHUNK_BITS];
    const d = at * D_STRIDE;
    chunk.d[d + D_START] = s.start;
    chunk.d[d + D_END] = s.end;
    chunk.d[d + D_SYN_TS] = s.synTs;
    chunk.d[d + D_SYN_ACK_TS] = s.synAckTs;
    chunk.d[d + D_ACK_TS] = s.ackTs;
    chunk.d[d + D_CLIENT_ISN] = s.clientIsn;
    chunk.d[d + D_SERVER_ISN] = s.serverIsn;
    chunk.d[d + D_CLIENT_BYTES] = s.clientBytes;
    chunk.d[d + D_SERVER_BYTES] = s.serverBytes;
    chunk.d[d + D_CLIENT_PACKETS] = s.clientPackets;
    chunk.d[d + D_SERVER_PACKETS] = s.serverPackets;
    chunk.d[d + D_FIRST_REQUEST] = s.firstRequest ?? -1;
    chunk.d[d + D_ID] = s.id;
    const i = at * I_STRIDE;
    chunk.i[i + I_CAPTURE] = s.capture;
    chunk.i[i + I_CLIENT] = this.number(s.client, this.hosts, this.hostNumbers);
    chunk.i[i + I_SERVER] = this.number(s.server, this.hosts, this.hostNumbers);
    chunk.i[i + I_SYN_COUNT] = s.synCount;
    chunk.i[i + I_PREV_ON_TUPLE] = -1;
    chunk.i[i + I_PREV_ON_HOSTS] = -1;
    chunk.i[i + I_RESETS_BEFORE] = this.resetRows.length;
    for (const r of s.resets) this.resetRows.append(r);
    chunk.p[at * P_STRIDE + P_CLIENT] = s.clientPort;
    chunk.p[at * P_STRIDE + P_SERVER] = s.serverPort;
    chunk.t[at * T_STRIDE + T_CLIENT] = s.clientTtl;
    chunk.t[at * T_STRIDE + T_SERVER] = s.serverTtl;
    const b = at * B_STRIDE;
    chunk.b[b + B_RESET_BY] = s.resetBy;
    chunk.b[b + B_ESTABLISHED] = s.established ? 1 : 0;
    chunk.b[b + B_END_REASON] = this.number(s.endReason, this.reasons, this.reasonNumbers);
    const handle = new SketchHandle(chunk, at);
    this.handles.push(handle);
    return handle;
  }

  /** An Int32 field of a row (I_…). */
  int(row: number, field: number): number {
    return this.chunks[row >>> CHUNK_BITS].i[(row & CHUNK_MASK) * I_STRIDE + field];
  }

  setInt(row: number, field: number, value: number): void {
    this.chunks[row >>> CHUNK_BITS].i[(row & CHUNK_MASK) * I_STRIDE + field] = value;
  }

  /** A port of a row (P_…). */
  port(row: number, field: number): number {
    return this.chunks[row >>> CHUNK_BITS].p[(row & CHUNK_MASK) * P_STRIDE + field];
  }

  /** A Float64 field of a row (D_…). */
  float(row: number, field: number): number {
    return this.chunks[row >>> CHUNK_BITS].d[(row & CHUNK_MASK) * D_STRIDE + field];
  }

  private number(name: string, names: string[], numbers: Map<string, number>): number {
    const known = numbers.get(name);
    if (known !== undefined) return known;
    numbers.set(name, names.length);
    names.push(name);
    return names.length - 1;
  }
}

// Float64 slots of a reset: raw 32-bit sequence numbers, capture time (µs), frame number.
const R_SEQ = 0;
const R_ACK = 1;
const R_TS = 2;
const R_FRAME = 3;
const R_STRIDE = 4;

/** The resets of every sketch, in the order their sketches were added (36 bytes each). */
class ResetRows {
  private readonly d: Float64Array[] = [];
  /** TCP flags (9 bits with NS), then 1 when the reset came from the client. */
  private readonly b: Uint16Array[] = [];
  length = 0;

  append(r: Reset): void {
    const at = this.length & CHUNK_MASK;
    if (at === 0) {
      this.d.push(new Float64Array(CHUNK_ROWS * R_STRIDE));
      this.b.push(new Uint16Array(CHUNK_ROWS * 2));
    }
    const d = this.d[this.length >>> CHUNK_BITS];
    const b = this.b[this.length >>> CHUNK_BITS];
    d[at * R_STRIDE + R_SEQ] = r.seq;
    d[at * R_STRIDE + R_ACK] = r.ack;
    d[at * R_STRIDE + R_TS] = r.ts;
    d[at * R_STRIDE + R_FRAME] = r.frame;
    b[at * 2] = r.flags;
    b[at * 2 + 1] = r.fromClient ? 1 : 0;
    this.length++;
  }

  get(n: number): Reset {
    const at = n & CHUNK_MASK;
    const d = this.d[n >>> CHUNK_BITS];
    const b = this.b[n >>> CHUNK_BITS];
    return {
      fromClient: b[at * 2 + 1] === 1,
      seq: d[at * R_STRIDE + R_SEQ],
      ack: d[at * R_STRIDE + R_ACK],
      flags: b[at * 2],
      ts: d[at * R_STRIDE + R_TS],
      frame: d[at * R_STRIDE + R_FRAME],
    };
  }
}
