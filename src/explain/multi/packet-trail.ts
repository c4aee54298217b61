import type { CaptureRecord } from '../../capture/record.ts';
import type { PacketView } from '../../decode/packet-view.ts';
import type { Connection } from '../../tcp/connection.ts';
import type { ConnectionExtension } from '../../tcp/tracker.ts';

/**
 * Every packet of a connection, compactly, when several captures are analysed together: to tell
 * which packets one vantage point saw and the next one never did (path loss, frame by frame), to
 * draw one ladder from all captures, and to align clocks on every packet seen at two points, not
 * just the handshake. The tracker's own packet log is bounded (head and tail) for the explain
 * rules; this one is bounded per connection (MAX_PACKETS) and per run (the recorder's budget),
 * and is only kept when there is more than one capture.
 *
 * Eight 32-bit words per packet in one growable Uint32Array (no object per packet).
 */
const WORDS = 8;
const TS_HI = 0;
const TS_LO = 1;
const FRAME = 2;
const SEQ = 3;
const ACK = 4;
const LEN_FLAGS = 5; // payload length (16 bits) | flags (9 bits) << 16 | fromClient << 25
const WIN_TTL = 6; // window (16 bits) | (ttl + 1) << 16
const IPID = 7; // ipId + 1 (0: none)

/** Packets kept per connection; a longer connection's trail is cut (`truncated`). */
const MAX_PACKETS = 8192;
const INITIAL = 16;

const EMPTY = new Uint32Array(0);

export class PacketTrail {
  /** Carved from Node's shared buffer pool while small (no ArrayBuffer per connection, which
   *  costs more than the rest of its bookkeeping); `compact` gives it an array of its own. */
  private words: Uint32Array = EMPTY;
  count = 0;
  /** Packets were not recorded (per-connection cap or run budget): the trail is incomplete. */
  truncated = false;

  add(view: PacketView, record: CaptureRecord, fromClient: boolean): boolean {
    if (this.count >= MAX_PACKETS) {
      this.truncated = true;
      return false;
    }
    const base = this.count * WORDS;
    if (base >= this.words.length) {
      const words = Math.min(Math.max(this.words.length * 2, INITIAL * WORDS), MAX_PACKETS * WORDS);
      const bytes = Buffer.allocUnsafe(words * 4);
      const next = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
      next.set(this.words);
      this.words = next;
    }
    const w = this.words;
    const ts = record.tsMicros;
    w[base + TS_HI] = Math.floor(ts / 4294967296);
    w[base + TS_LO] = ts >>> 0;
    w[base + FRAME] = record.frame;
    w[base + SEQ] = view.seq;
    w[base + ACK] = view.ack;
    w[base + LEN_FLAGS] =
      (view.payloadLength & 0xffff) | ((view.flags & 0x1ff) << 16) | (fromClient ? 1 << 25 : 0);
    w[base + WIN_TTL] = (view.window & 0xffff) | (((view.ttl + 1) & 0x1ff) << 16);
    w[base + IPID] = view.ipId + 1;
    this.count++;
    return true;
  }

  /** Once the connection has ended: an exact-size array of its own (a trail kept to the end of
   *  the run must not pin a shared pool chunk, and the unused tail goes). */
  compact(): void {
    this.words = this.words.slice(0, this.count * WORDS);
  }

  ts(i: number): number {
    return this.words[i * WORDS + TS_HI] * 4294967296 + this.words[i * WORDS + TS_LO];
  }
  frame(i: number): number {
    return this.words[i * WORDS + FRAME];
  }
  seq(i: number): number {
    return this.words[i * WORDS + SEQ];
  }
  ack(i: number): number {
    return this.words[i * WORDS + ACK];
  }
  len(i: number): number {
    return this.words[i * WORDS + LEN_FLAGS] & 0xffff;
  }
  flags(i: number): number {
    return (this.words[i * WORDS + LEN_FLAGS] >>> 16) & 0x1ff;
  }
  fromClient(i: number): boolean {
    return (this.words[i * WORDS + LEN_FLAGS] & (1 << 25)) !== 0;
  }
  window(i: number): number {
    return this.words[i * WORDS + WIN_TTL] & 0xffff;
  }
  ttl(i: number): number {
    return ((this.words[i * WORDS + WIN_TTL] >>> 16) & 0x1ff) - 1;
  }
  ipId(i: number): number {
    return this.words[i * WORDS + IPID] - 1;
  }
}

/**
 * The tracker extension that keeps a PacketTrail per connection while `enabled` (set as soon as
 * a second capture is known), within a run-wide budget of packets.
 */
export class TrailRecorder implements ConnectionExtension {
  enabled = false;
  /** Packets the run may still record (32 bytes each). */
  private budget: number;

  constructor(budget = 4_000_000) {
    this.budget = budget;
  }

  create(_c: Connection): unknown {
    return this.enabled ? new PacketTrail() : null;
  }

  packet(c: Connection, view: PacketView, record: CaptureRecord, fromClient: boolean): void {
    const trail = c.extension;
    if (!(trail instanceof PacketTrail)) return;
    if (this.budget <= 0) {
      trail.truncated = true;
      return;
    }
    if (trail.add(view, record, fromClient)) this.budget--;
  }
}

/** The trail a connection carries, if one was recorded. */
export function trailOf(c: Connection): PacketTrail | null {
  return c.extension instanceof PacketTrail ? c.extension : null;
}
