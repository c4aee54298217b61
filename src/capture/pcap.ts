/**
 * The classic libpcap file format (draft-ietf-opsawg-pcap): a 24-byte file header, then records
 * of a 16-byte header (ts_sec, ts_usec|ts_nsec, incl_len, orig_len) and incl_len bytes of frame,
 * without padding. Every number is in the byte order of the machine that wrote the file, which
 * the magic number reveals.
 *
 * A corrupt record length (more than any frame can have, or — when the file size is known —
 * running past the end of the file) would end the file for tshark. Records carry no marker, so
 * the reader looks byte by byte for the next place where two consecutive record headers are
 * plausible (timestamps near the last good one, lengths within the snaplen, the first record's
 * length leading exactly to the second) and reads on from there, saying how many bytes it skipped.
 * Frames after the damage are numbered on from the last good frame: tshark has no numbers there.
 */

import { type FormatParser, MAX_RECORD_BYTES, STANDARD_MAX_SNAPLEN } from './format-parser.ts';
import { pcapFcsLengthOf, pcapLinkTypeOf } from './link-types.ts';
import type { RecordSink } from './record-sink.ts';

export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
/**
 * How far a resynchronised record's time may lie from the last good record's: a skipped stretch
 * of a capture spans seconds to hours, and random bytes rarely fall in such a window.
 */
const RESYNC_BEFORE_S = 86_400;
const RESYNC_AFTER_S = 30 * 86_400;

/** Magic numbers as read in the writer's byte order. */
export const PcapMagic = {
  /** Timestamps in seconds and microseconds. */
  micro: 0xa1b2c3d4,
  /** Timestamps in seconds and nanoseconds. */
  nano: 0xa1b23c4d,
  /**
   * Alexey Kuznetzov's "modified" pcap (old Linux patches): 8 more bytes per record header
   * (ifindex, protocol, packet type, padding). Wireshark and libpcap read it; so do we.
   */
  modified: 0xa1b2cd34,
} as const;

/** Which pcap variant buf[pos, pos+4) announces, or null. Bit 0: little-endian; bit 1: ns; bit 2: modified. */
export function pcapVariantOf(buf: Buffer, pos: number): number | null {
  const le = buf.readUInt32LE(pos);
  const be = buf.readUInt32BE(pos);
  if (le === PcapMagic.micro) return 1;
  if (be === PcapMagic.micro) return 0;
  if (le === PcapMagic.nano) return 1 | 2;
  if (be === PcapMagic.nano) return 2;
  if (le === PcapMagic.modified) return 1 | 4;
  if (be === PcapMagic.modified) return 4;
  return null;
}

/**
 * An unsigned 32-bit record header field in the file's byte order, assembled from bytes: this runs
 * four times per record, and plain element loads are cheaper than Buffer's bounds-checked
 * readUInt32LE/BE calls (the caller has checked that the header is in the buffer).
 */
function field32(buf: Buffer, p: number, le: boolean): number {
  return le
    ? (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0
    : ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0;
}

export class PcapParser implements FormatParser {
  readonly format = 'pcap';
  need = PCAP_FILE_HEADER_LENGTH;
  stopped = false;
  tsPrecision = 6;

  // From the file header (valid once headerDone).
  littleEndian = true;
  nanoseconds = false;
  versionMajor = 0;
  versionMinor = 0;
  snaplen = 0;
  linkType = 0;
  /** FCS bytes at the end of each frame per the header, -1 when unknown. */
  fcsLength = -1;
  recordHeaderLength = PCAP_RECORD_HEADER_LENGTH;

  streamSize = -1;
  consumed = 0;

  private readonly sink: RecordSink;
  private headerDone = false;
  /** Records claiming more than this are taken as a corrupt length field. */
  private maxCaptured = STANDARD_MAX_SNAPLEN;
  private oversizeReported = false;
  /** ts_sec of the last record delivered: what a resynchronised record's time must be near. */
  private lastSeconds = -1;
  /** Stream offset of the damaged record header while looking for the next record, else -1. */
  private damageAt = -1;
  private damageReason = '';
  private damageCaptured = 0;

  constructor(sink: RecordSink) {
    this.sink = sink;
  }

  feed(buf: Buffer, pos: number, end: number, base: number): number {
    if (!this.headerDone) {
      if (end - pos < PCAP_FILE_HEADER_LENGTH) {
        this.need = PCAP_FILE_HEADER_LENGTH;
        return pos;
      }
      this.readFileHeader(buf, pos, base);
      pos += PCAP_FILE_HEADER_LENGTH;
      this.headerDone = true;
      this.consumed = base + pos;
    }
    const sink = this.sink;
    const record = sink.record;
    const le = this.littleEndian;
    const headerLength = this.recordHeaderLength;
    const nanos = this.nanoseconds;
    const precision = this.tsPrecision;
    const linkType = this.linkType;
    for (;;) {
      if (this.damageAt >= 0) {
        pos = this.resync(buf, pos, end, base, false);
        if (this.damageAt >= 0) return pos;
      }
      const available = end - pos;
      if (available < headerLength) {
        this.need = headerLength;
        return pos;
      }
      const captured = field32(buf, pos + 8, le);
      if (captured > this.maxCaptured) {
        this.damaged(base + pos, captured, `more than the ${this.maxCaptured} any frame can have`);
        pos++;
        continue;
      }
      const total = headerLength + captured;
      if (available < total) {
        // Only a record not wholly in the buffer can run past the end of the file.
        if (this.streamSize >= 0 && base + pos + total > this.streamSize) {
          const left = this.streamSize - (base + pos) - headerLength;
          this.damaged(base + pos, captured, `more than the ${left} left in the file`);
          pos++;
          continue;
        }
        this.need = total;
        return pos;
      }
      const seconds = field32(buf, pos, le);
      const fraction = field32(buf, pos + 4, le);
      if (nanos) {
        const micros = Math.floor(fraction / 1000);
        record.tsMicros = seconds * 1_000_000 + micros;
        record.tsNanos = fraction - micros * 1000;
      } else {
        record.tsMicros = seconds * 1_000_000 + fraction;
        record.tsNanos = 0;
      }
      record.frame = ++sink.frames;
      record.tsPrecision = precision;
      record.linkType = linkType;
      record.interfaceId = 0;
      record.data = buf;
      record.capturedLength = captured;
      const original = field32(buf, pos + 12, le);
      record.originalLength = original;
      // The time a resynchronisation must be near: from sound records only. A record read from a
      // misaligned position after a subtly wrong length (or a second file header, `cat a.pcap
      // b.pcap`) is garbage that tshark shows too; its time must not become the reference.
      if (captured <= original && original <= MAX_RECORD_BYTES && this.nearLastTime(seconds))
        this.lastSeconds = seconds;
      record.offset = pos + headerLength;
      record.fileOffset = base + pos;
      // (A zero snaplen, which the format forbids but some writers emit, means "no limit".)
      if (captured > this.snaplen && this.snaplen !== 0 && !this.oversizeReported)
        this.oversize(pos, base, captured);
      sink.deliver();
      pos += total;
      this.consumed = base + pos;
    }
  }

  finish(buf: Buffer, pos: number, end: number, base: number): void {
    // At the end of a stream of unknown size, a record claiming more than is left may be a
    // corrupt length as well as a cut file: a plausible record after it tells them apart.
    while (!this.stopped && this.headerDone && end - pos >= this.recordHeaderLength) {
      if (this.damageAt < 0) {
        const captured = this.u32(buf, pos + 8);
        this.damaged(
          base + pos,
          captured,
          `more than the ${end - pos - this.recordHeaderLength} left in the data`,
        );
        pos++;
      }
      pos = this.resync(buf, pos, end, base, true);
      if (this.damageAt >= 0) break;
      pos = this.feed(buf, pos, end, base);
    }
    if (this.damageAt >= 0) {
      this.unrecoverable(end, base);
      return;
    }
    const left = end - pos;
    if (left <= 0 || this.stopped) return;
    const offset = base + pos;
    if (!this.headerDone) {
      this.stop(
        offset,
        `truncated pcap file header: ${left} of ${PCAP_FILE_HEADER_LENGTH} bytes present; the file was cut short`,
      );
    } else if (left < this.recordHeaderLength) {
      this.stop(
        offset,
        `truncated record header at byte ${offset}: ${left} of ${this.recordHeaderLength} bytes present; the capture was cut short`,
      );
    }
  }

  /** Within the resynchronisation window of the last sound record's time (or none yet). */
  private nearLastTime(seconds: number): boolean {
    const last = this.lastSeconds;
    return last < 0 || (seconds >= last - RESYNC_BEFORE_S && seconds <= last + RESYNC_AFTER_S);
  }

  private u32(buf: Buffer, pos: number): number {
    return this.littleEndian ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
  }

  /** The record header at `offset` has an impossible length: look for the next good record. */
  private damaged(offset: number, captured: number, why: string): void {
    this.damageAt = offset;
    this.damageCaptured = captured;
    this.damageReason = why;
  }

  /**
   * Scans buf[pos, end) for the next plausible record. Returns its position (damage cleared, the
   * skip reported) or, with the damage still set, the position to rescan from once more bytes
   * are in (`need` says how many); at the end of the input everything left has been tried.
   */
  private resync(buf: Buffer, pos: number, end: number, base: number, atEnd: boolean): number {
    const headerLength = this.recordHeaderLength;
    let c = pos;
    for (; end - c >= headerLength; c++) {
      const verdict = this.plausibleAt(buf, c, end, base, atEnd);
      if (verdict === 0) continue;
      if (verdict < 0) return c; // need more bytes
      const skipped = base + c - this.damageAt;
      this.sink.problems.add(
        this.damageAt,
        `corrupt record at byte ${this.damageAt}: it claims ${this.damageCaptured} captured bytes, ${this.damageReason}; skipped ${skipped} bytes to the next plausible record, at byte ${base + c}, and read on (tshark stops at the damage; frames after it are numbered on from frame ${this.sink.frames})`,
        false,
      );
      this.damageAt = -1;
      return c;
    }
    this.need = headerLength;
    return c;
  }

  /**
   * 1: a record starts at c, followed by another plausible one or by the end of the stream;
   * 0: not here; -1: cannot tell yet (`need` set).
   */
  private plausibleAt(buf: Buffer, c: number, end: number, base: number, atEnd: boolean): number {
    const headerLength = this.recordHeaderLength;
    const first = this.plausibleHeader(buf, c, base, this.lastSeconds);
    if (first < 0) return 0;
    const next = c + headerLength + first;
    const streamEnd = this.streamSize >= 0 ? this.streamSize : atEnd ? base + end : -1;
    if (base + next === streamEnd) return 1;
    if (end - next < headerLength) {
      if (atEnd) return 0;
      this.need = next + headerLength - c;
      return -1;
    }
    const seconds = this.u32(buf, c);
    return this.plausibleHeader(buf, next, base, seconds) >= 0 ? 1 : 0;
  }

  /** The captured length of a sound-looking record header at p, or -1. */
  private plausibleHeader(buf: Buffer, p: number, base: number, nearSeconds: number): number {
    const seconds = this.u32(buf, p);
    const fraction = this.u32(buf, p + 4);
    const captured = this.u32(buf, p + 8);
    const original = this.u32(buf, p + 12);
    if (fraction >= (this.nanoseconds ? 1_000_000_000 : 1_000_000)) return -1;
    if (captured === 0 || captured > original || original > MAX_RECORD_BYTES) return -1;
    if (captured > (this.snaplen !== 0 ? Math.min(this.snaplen, this.maxCaptured) : this.maxCaptured))
      return -1;
    if (this.streamSize >= 0 && base + p + this.recordHeaderLength + captured > this.streamSize) return -1;
    if (
      nearSeconds >= 0 &&
      (seconds < nearSeconds - RESYNC_BEFORE_S || seconds > nearSeconds + RESYNC_AFTER_S)
    )
      return -1;
    return captured;
  }

  /** No record could be found after the damage: a cut file, or a corrupt length near the end. */
  private unrecoverable(end: number, base: number): void {
    const offset = this.damageAt;
    const captured = this.damageCaptured;
    const left = (this.streamSize >= 0 ? this.streamSize : base + end) - offset - this.recordHeaderLength;
    this.damageAt = -1;
    if (left >= 0 && captured <= this.maxCaptured && left < captured) {
      this.stop(
        offset,
        `truncated record at byte ${offset}: ${left} of ${captured} bytes present; the capture was cut short`,
      );
    } else {
      this.stop(
        offset,
        `corrupt record at byte ${offset}: it claims ${captured} captured bytes, ${this.damageReason}, and no plausible record follows; reading stopped there`,
      );
    }
  }

  private readFileHeader(buf: Buffer, pos: number, base: number): void {
    const variant = pcapVariantOf(buf, pos) ?? 1;
    const le = (variant & 1) !== 0;
    this.littleEndian = le;
    this.nanoseconds = (variant & 2) !== 0;
    this.tsPrecision = this.nanoseconds ? 9 : 6;
    if ((variant & 4) !== 0) this.recordHeaderLength = PCAP_RECORD_HEADER_LENGTH + 8;
    this.versionMajor = le ? buf.readUInt16LE(pos + 4) : buf.readUInt16BE(pos + 4);
    this.versionMinor = le ? buf.readUInt16LE(pos + 6) : buf.readUInt16BE(pos + 6);
    this.snaplen = le ? buf.readUInt32LE(pos + 16) : buf.readUInt32BE(pos + 16);
    const linkWord = le ? buf.readUInt32LE(pos + 20) : buf.readUInt32BE(pos + 20);
    this.linkType = pcapLinkTypeOf(linkWord);
    this.fcsLength = pcapFcsLengthOf(linkWord);
    // A snaplen above the standard maximum is honoured (D-Bus and USB captures use larger ones),
    // but never beyond MAX_RECORD_BYTES.
    this.maxCaptured = Math.min(Math.max(this.snaplen, STANDARD_MAX_SNAPLEN), MAX_RECORD_BYTES);
    if (this.versionMajor !== 2) {
      this.sink.problems.add(
        base + pos,
        `unusual pcap version ${this.versionMajor}.${this.versionMinor} (expected 2.4); reading it as 2.4`,
        false,
      );
    }
  }

  private oversize(pos: number, base: number, captured: number): void {
    this.oversizeReported = true;
    const offset = base + pos;
    this.sink.problems.add(
      offset,
      `record at byte ${offset} has ${captured} captured bytes, more than the file's snaplen of ${this.snaplen}; read anyway`,
      false,
    );
  }

  private stop(offset: number, message: string): void {
    this.stopped = true;
    this.sink.problems.add(offset, message, true);
  }
}
