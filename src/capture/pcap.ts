/**
 * The classic libpcap file format (draft-ietf-opsawg-pcap): a 24-byte file header, then records
 * of a 16-byte header (ts_sec, ts_usec|ts_nsec, incl_len, orig_len) and incl_len bytes of frame,
 * without padding. Every number is in the byte order of the machine that wrote the file, which
 * the magic number reveals.
 */

import { type FormatParser, MAX_RECORD_BYTES, STANDARD_MAX_SNAPLEN } from './format-parser.ts';
import { pcapFcsLengthOf, pcapLinkTypeOf } from './link-types.ts';
import type { RecordSink } from './record-sink.ts';

export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

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

  private readonly sink: RecordSink;
  private headerDone = false;
  /** Records claiming more than this are taken as a corrupt length field. */
  private maxCaptured = STANDARD_MAX_SNAPLEN;
  private oversizeReported = false;

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
    }
    const sink = this.sink;
    const record = sink.record;
    const le = this.littleEndian;
    const headerLength = this.recordHeaderLength;
    const nanos = this.nanoseconds;
    const linkType = this.linkType;
    for (;;) {
      const available = end - pos;
      if (available < headerLength) {
        this.need = headerLength;
        return pos;
      }
      const captured = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      if (captured > this.maxCaptured) {
        this.corruptLength(pos, base, captured);
        return pos;
      }
      const total = headerLength + captured;
      if (available < total) {
        this.need = total;
        return pos;
      }
      const seconds = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      const fraction = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      if (nanos) {
        const micros = Math.floor(fraction / 1000);
        record.tsMicros = seconds * 1_000_000 + micros;
        record.tsNanos = fraction - micros * 1000;
      } else {
        record.tsMicros = seconds * 1_000_000 + fraction;
        record.tsNanos = 0;
      }
      record.frame = ++sink.frames;
      record.linkType = linkType;
      record.interfaceId = 0;
      record.data = buf;
      record.capturedLength = captured;
      record.originalLength = le ? buf.readUInt32LE(pos + 12) : buf.readUInt32BE(pos + 12);
      record.offset = pos + headerLength;
      record.fileOffset = base + pos;
      // (A zero snaplen, which the format forbids but some writers emit, means "no limit".)
      if (captured > this.snaplen && this.snaplen !== 0 && !this.oversizeReported)
        this.oversize(pos, base, captured);
      sink.deliver();
      pos += total;
    }
  }

  finish(_buf: Buffer, pos: number, end: number, base: number): void {
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
    } else {
      const wanted = this.need - this.recordHeaderLength;
      this.stop(
        offset,
        `truncated record at byte ${offset}: ${left - this.recordHeaderLength} of ${wanted} bytes present; the capture was cut short`,
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

  private corruptLength(pos: number, base: number, captured: number): void {
    const offset = base + pos;
    this.stop(
      offset,
      `corrupt record at byte ${offset}: it claims ${captured} captured bytes, more than the ${this.maxCaptured} any frame can have; reading stopped there`,
    );
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
