import type { CaptureRecord } from '../capture/record.ts';
import type { PacketView } from '../decode/packet-view.ts';
import { WordBlocks } from './word-blocks.ts';

/**
 * A connection's bounded packet history: the first HEAD packets are kept for good (the handshake
 * and the first request: what a reset is often measured against), the most recent TAIL packets
 * in a ring, and the latest SIDE packets of each direction that left the ring. Packets are stored in one Uint32Array per connection, so logging a packet allocates
 * nothing — except when the array grows: it starts at INITIAL_SLOTS (a short request/response
 * connection, the common case, never needs more) and grows once to the full HEAD + TAIL + 2 × SIDE.
 *
 * Memory matters here because connections that ended stay in the flow table for the tracker's
 * linger and every reset keeps a snapshot: a fixed 1.6 KB array per connection and per reset was
 * most of the tracker's footprint, and allocating it most of its time. The words come from shared
 * blocks (word-blocks.ts), recycled when the connection leaves the flow table (release()): a log is
 * a chunk reference and an offset, no typed array of its own.
 * Snapshots share the live words (copy-on-write): a snapshot is copied only when the live log is
 * about to overwrite a slot it still shows, which happens only once the ring wraps; before that,
 * new packets go to slots beyond the snapshot's.
 */
export const HEAD = 8;
export const TAIL = 32;
/**
 * Besides the shared ring, the latest SIDE packets of each direction are kept: a reset is judged
 * against what each side last said, and a side that sent 40 packets in a row (a bulk transfer)
 * would otherwise push every packet of the other side out of the ring. A packet leaving the ring
 * moves to its direction's side ring while fewer than SIDE newer packets of that direction remain.
 */
export const SIDE = 4;
const SLOTS = HEAD + TAIL;
const ALL_SLOTS = SLOTS + 2 * SIDE;
const WORDS = 10;
/** Slots allocated at the first packet: handshake, one request and its answer, and the close. */
const INITIAL_SLOTS = 12;

// Word layout of one slot.
const TS_HI = 0; // tsMicros / 2^32
const TS_LO = 1; // tsMicros mod 2^32
const FRAME = 2;
const SEQ = 3;
const ACK = 4;
const LEN = 5; // TCP payload length (claimed)
const FLAGS_DIR_TTL = 6; // flags (9 bits) | fromClient << 9 | ttl << 16 (ttl+1, 0 = unknown)
const WINDOW = 7; // window (16 bits) | index of the packet in the connection mod 2^16 << 16
const IPID = 8; // ipId + 1 (0 = none)
const TSVAL = 9; // TCP timestamp value (0 when absent; see FLAGS bit 31 for presence)

const HAS_TS_BIT = 0x80000000;

/** A decoded copy of one logged packet (allocated on read, for the explain and report layers). */
export interface LoggedPacket {
  readonly frame: number;
  readonly tsMicros: number;
  readonly fromClient: boolean;
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
  readonly window: number;
  readonly ttl: number;
  readonly ipId: number;
  readonly tsVal: number | null;
}

const EMPTY = new Uint32Array(0);

/** The two block sizes a log lives in: a short connection's, and the full history's. */
const smallBlocks = new WordBlocks(INITIAL_SLOTS * WORDS);
const fullBlocks = new WordBlocks(ALL_SLOTS * WORDS);

/** Blocks of packet-log words in use (for tests and memory accounting). */
export function blocksInUse(): number {
  return smallBlocks.inUse + fullBlocks.inUse;
}

export class PacketLog {
  /** Words of this log: chunk[base, base + capacityWords). */
  private chunk: Uint32Array = EMPTY;
  private base = 0;
  private capacityWords = 0;
  /** The pool block this log shows (null: none, or an exact-size array of its own). */
  private blocks: WordBlocks | null = null;
  private block = -1;
  /** Released (its connection left the flow table): its words may belong to another log now. */
  private released = false;
  /** Packets ever logged (the ring holds the last TAIL of those beyond HEAD). */
  count = 0;
  /** Packets of each direction currently in the ring, and ever written to each side ring. */
  private ringClient = 0;
  private ringServer = 0;
  private sideClient = 0;
  private sideServer = 0;
  /** Snapshots still sharing `slots` (copy-on-write), null when none. */
  private sharers: PacketLog[] | null = null;

  /** Logs one packet (the record gives its frame number and time). */
  add(view: PacketView, record: CaptureRecord, fromClient: boolean): void {
    const tsMicros = record.tsMicros;
    const n = this.count++;
    const slot = n < HEAD ? n : HEAD + ((n - HEAD) % TAIL);
    if (slot * WORDS >= this.capacityWords) this.grow();
    else if (this.sharers !== null && n >= SLOTS) this.detachSharers();
    const s = this.chunk;
    const base = this.base + slot * WORDS;
    if (n >= SLOTS) this.leaveRing(base);
    if (n >= HEAD) {
      if (fromClient) this.ringClient++;
      else this.ringServer++;
    }
    s[base + TS_HI] = Math.floor(tsMicros / 4294967296);
    s[base + TS_LO] = tsMicros >>> 0;
    s[base + FRAME] = record.frame;
    s[base + SEQ] = view.seq;
    s[base + ACK] = view.ack;
    s[base + LEN] = view.payloadLength;
    s[base + FLAGS_DIR_TTL] =
      (view.flags & 0x1ff) |
      (fromClient ? 0x200 : 0) |
      ((view.ttl + 1) << 16) |
      (view.hasTimestamp ? HAS_TS_BIT : 0);
    // The packet's index in the connection (mod 2^16) above the 16-bit window: framesAfterGaps.
    s[base + WINDOW] = view.window | ((n & 0xffff) << 16);
    s[base + IPID] = view.ipId + 1;
    s[base + TSVAL] = view.tsVal;
  }

  /** The ring's oldest packet (at `base`) is about to be overwritten: keep it on its side if it
   *  is among the latest SIDE packets of its direction. */
  private leaveRing(base: number): void {
    const s = this.chunk;
    const fromClient = (s[base + FLAGS_DIR_TTL] & 0x200) !== 0;
    const newer = fromClient ? --this.ringClient : --this.ringServer;
    if (newer >= SIDE) return;
    const written = fromClient ? this.sideClient++ : this.sideServer++;
    const to = this.base + (SLOTS + (fromClient ? 0 : SIDE) + (written % SIDE)) * WORDS;
    for (let i = 0; i < WORDS; i++) s[to + i] = s[base + i];
  }

  /** Number of packets currently retrievable. */
  get size(): number {
    return Math.min(this.count, SLOTS) + Math.min(this.sideClient, SIDE) + Math.min(this.sideServer, SIDE);
  }

  /** Whether packets were dropped from the middle of the history (after the head). */
  get hasGap(): boolean {
    return this.count - this.size > 0;
  }

  /**
   * Packets in capture order: the head, then the side packets of both directions (older than
   * the ring), then the ring oldest first. Allocates; for reports.
   */
  packets(): readonly LoggedPacket[] {
    this.checkLive();
    // Decoded once per state of the log: the explain layer asks several times per reset (context,
    // origin scorers, grouping), and decoding allocates ~50 objects each time.
    if (this.decoded !== null && this.decodedCount === this.count) return this.decoded;
    const out: LoggedPacket[] = [];
    for (const slot of this.orderedSlots()) out.push(this.read(slot));
    this.decoded = out;
    this.decodedCount = this.count;
    return out;
  }

  /**
   * Frames of kept packets that the log did not keep the connection's previous packet of: where a
   * ladder drawn from packets() must show a break (after the head, between the side packets, before
   * the ring).
   */
  framesAfterGaps(): Set<number> {
    this.checkLive();
    const out = new Set<number>();
    let previous = -1;
    for (const slot of this.orderedSlots()) {
      const base = this.base + slot * WORDS;
      const index = this.chunk[base + WINDOW] >>> 16;
      if (previous >= 0 && index !== ((previous + 1) & 0xffff)) out.add(this.chunk[base + FRAME]);
      previous = index;
    }
    return out;
  }

  /** The kept slots in capture order: the head, the side packets of both directions (older than
   *  the ring), then the ring oldest first. */
  private orderedSlots(): number[] {
    const out: number[] = [];
    const headCount = Math.min(this.count, HEAD);
    for (let i = 0; i < headCount; i++) out.push(i);
    const clientSide = this.sideSlots(this.sideClient, SLOTS);
    const serverSide = this.sideSlots(this.sideServer, SLOTS + SIDE);
    let a = 0;
    let b = 0;
    while (a < clientSide.length || b < serverSide.length) {
      const takeClient =
        b >= serverSide.length ||
        (a < clientSide.length && this.frameAt(clientSide[a]) < this.frameAt(serverSide[b]));
      out.push(takeClient ? clientSide[a++] : serverSide[b++]);
    }
    const tailCount = Math.min(Math.max(this.count - HEAD, 0), TAIL);
    const first = this.count - HEAD - tailCount; // index among tail packets of the oldest kept
    for (let i = 0; i < tailCount; i++) out.push(HEAD + ((first + i) % TAIL));
    return out;
  }

  /** The latest packets(), valid while `count` is still decodedCount. */
  private decoded: readonly LoggedPacket[] | null = null;
  private decodedCount = 0;

  /** Slots of one side ring, oldest first. */
  private sideSlots(written: number, start: number): number[] {
    const kept = Math.min(written, SIDE);
    const out: number[] = [];
    for (let i = written - kept; i < written; i++) out.push(start + (i % SIDE));
    return out;
  }

  private frameAt(slot: number): number {
    return this.chunk[this.base + slot * WORDS + FRAME];
  }

  /**
   * The latest logged packet from one side with this sequence number (the original send of a
   * retransmitted segment), other than `exceptFrame`; reads the slots in place, no allocation
   * unless found.
   */
  findSent(fromClient: boolean, seq: number, exceptFrame: number): LoggedPacket | null {
    this.checkLive();
    const s = this.chunk;
    const n = this.slotsInUse();
    for (let slot = 0; slot < n; slot++) {
      if (slot >= SLOTS && !this.sideSlotUsed(slot)) continue;
      const base = this.base + slot * WORDS;
      const fdt = s[base + FLAGS_DIR_TTL];
      if (s[base + SEQ] !== seq || ((fdt & 0x200) !== 0) !== fromClient) continue;
      if ((fdt & 0x4) !== 0 || s[base + FRAME] === exceptFrame) continue; // RST, or the packet itself
      if (s[base + LEN] === 0 && (fdt & 0x3) === 0) continue; // a pure ACK carries no segment
      return this.read(slot);
    }
    return null;
  }

  private slotsInUse(): number {
    return this.count > SLOTS ? ALL_SLOTS : this.count;
  }

  private sideSlotUsed(slot: number): boolean {
    const i = slot - SLOTS;
    return i < SIDE ? i < this.sideClient : i - SIDE < this.sideServer;
  }

  /**
   * The log as it is now, frozen (for a reset record: what the connection looked like at that
   * moment). Shares this log's array until this log would overwrite one of its slots.
   */
  snapshot(): PacketLog {
    const copy = new PacketLog();
    copy.chunk = this.chunk;
    copy.base = this.base;
    copy.capacityWords = this.capacityWords;
    copy.count = this.count;
    copy.ringClient = this.ringClient;
    copy.ringServer = this.ringServer;
    copy.sideClient = this.sideClient;
    copy.sideServer = this.sideServer;
    this.checkLive();
    if (this.blocks !== null) {
      copy.blocks = this.blocks;
      copy.block = this.block;
      this.blocks.share(this.block);
    }
    if (this.capacityWords > 0) {
      if (this.sharers === null) this.sharers = [];
      this.sharers.push(copy);
    }
    return copy;
  }

  /**
   * Moves the kept packets into an exact-size array of their own, for a log that outlives its
   * connection's time in the flow table (its pool block is recycled when the connection leaves).
   * Call only once nothing writes to the log any more (its connection ended).
   */
  detach(): void {
    if (this.capacityWords === 0) return;
    this.checkLive();
    this.moveToOwnArray();
    this.releaseBlock();
    this.sharers = null;
  }

  /**
   * Gives the log's block back to the pool (the tracker does this when the connection leaves the
   * flow table): a log not detached by then is gone. Reading it afterwards throws rather than show
   * another connection's packets.
   */
  release(): void {
    if (this.blocks === null) return;
    this.releaseBlock();
    this.chunk = EMPTY;
    this.base = 0;
    this.capacityWords = 0;
    this.sharers = null;
    this.released = true;
    this.decoded = null;
  }

  /** Back to the state of a new, empty log (after release()), for a recycled connection. */
  reset(): void {
    this.chunk = EMPTY;
    this.base = 0;
    this.capacityWords = 0;
    this.blocks = null;
    this.block = -1;
    this.released = false;
    this.count = 0;
    this.ringClient = 0;
    this.ringServer = 0;
    this.sideClient = 0;
    this.sideServer = 0;
    this.sharers = null;
    this.decoded = null;
    this.decodedCount = 0;
  }

  private releaseBlock(): void {
    if (this.blocks === null) return;
    this.blocks.release(this.block);
    this.blocks = null;
    this.block = -1;
  }

  private checkLive(): void {
    if (this.released)
      throw new Error('packet log read after its connection left the flow table (detach it in ended)');
  }

  /** The kept words copied into an exact-size array of this log's own. */
  private moveToOwnArray(): void {
    const words = this.slotsInUse() * WORDS;
    this.chunk = this.chunk.slice(this.base, this.base + words);
    this.base = 0;
    this.capacityWords = words;
  }

  /** Slots allocated (for memory accounting in tests and benchmarks). */
  get capacity(): number {
    return this.capacityWords / WORDS;
  }

  private grow(): void {
    this.checkLive();
    // Sharers keep the old block (their own references), which this log no longer writes: they
    // are independent from now on.
    const pool = this.capacityWords === 0 ? smallBlocks : fullBlocks;
    const id = pool.acquire();
    this.copyInto(pool, id);
  }

  /** Moves the kept words into block `id` of `pool` (just acquired), dropping the old block. */
  private copyInto(pool: WordBlocks, id: number): void {
    const chunk = pool.chunk;
    const at = pool.offset;
    // The new words are leftovers of an earlier log, which is fine: only slots below `count` are
    // ever read.
    const old = this.chunk;
    const from = this.base;
    const used = Math.min(this.capacityWords, this.slotsInUse() * WORDS);
    for (let i = 0; i < used; i++) chunk[at + i] = old[from + i];
    this.releaseBlock();
    this.chunk = chunk;
    this.base = at;
    this.capacityWords = pool.words;
    this.blocks = pool;
    this.block = id;
    this.sharers = null;
  }

  /** The snapshots get copies of what they show (in the shared chunks: a reset's snapshot lives
   *  about as long as its connection) before this log overwrites it. */
  private detachSharers(): void {
    for (const s of this.sharers!) s.moveToSlab();
    this.sharers = null;
  }

  private moveToSlab(): void {
    const pool = this.slotsInUse() <= INITIAL_SLOTS ? smallBlocks : fullBlocks;
    this.copyInto(pool, pool.acquire());
  }

  private read(slot: number): LoggedPacket {
    const s = this.chunk;
    const base = this.base + slot * WORDS;
    const fdt = s[base + FLAGS_DIR_TTL];
    const ttl = ((fdt >>> 16) & 0x7fff) - 1;
    return {
      frame: s[base + FRAME],
      tsMicros: s[base + TS_HI] * 4294967296 + s[base + TS_LO],
      fromClient: (fdt & 0x200) !== 0,
      flags: fdt & 0x1ff,
      seq: s[base + SEQ],
      ack: s[base + ACK],
      len: s[base + LEN],
      window: s[base + WINDOW] & 0xffff,
      ttl,
      ipId: s[base + IPID] - 1,
      tsVal: (fdt & HAS_TS_BIT) !== 0 ? s[base + TSVAL] : null,
    };
  }
}
