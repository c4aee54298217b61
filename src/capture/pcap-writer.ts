/**
 * Writers for pcap and pcapng: `rstscope export` writes the frames of a finding with them, and
 * tests build edge-case captures (byte orders, resolutions, several sections) with them.
 *
 * Output goes to a file descriptor (through a 1 MiB staging buffer, flushed with writeSync) or is
 * collected in memory and returned by `toBuffer()`. Invalid arguments are programming errors and
 * throw; the bytes written are always a well-formed file.
 */
import fs from 'node:fs';
import { PcapMagic } from './pcap.ts';
import { BlockType, BYTE_ORDER_MAGIC } from './pcapng.ts';
import type { CaptureRecord } from './record.ts';
import { TSRESOL_MICRO } from './timestamp.ts';

const STAGING_SIZE = 1024 * 1024;
const DEFAULT_SNAPLEN = 262144;

/** Appends numbers and bytes in either byte order; flushes to a descriptor or keeps chunks. */
class Output {
  private readonly buf = Buffer.allocUnsafe(STAGING_SIZE);
  private pos = 0;
  private readonly fd: number | null;
  private readonly chunks: Buffer[] = [];
  private closed = false;

  constructor(fd: number | undefined) {
    this.fd = fd ?? null;
  }

  u16(value: number, le: boolean): void {
    this.ensure(2);
    if (le) this.buf.writeUInt16LE(value, this.pos);
    else this.buf.writeUInt16BE(value, this.pos);
    this.pos += 2;
  }

  u32(value: number, le: boolean): void {
    this.ensure(4);
    if (le) this.buf.writeUInt32LE(value >>> 0, this.pos);
    else this.buf.writeUInt32BE(value >>> 0, this.pos);
    this.pos += 4;
  }

  i64(value: bigint, le: boolean): void {
    this.ensure(8);
    if (le) this.buf.writeBigInt64LE(value, this.pos);
    else this.buf.writeBigInt64BE(value, this.pos);
    this.pos += 8;
  }

  bytes(data: Uint8Array, start = 0, end = data.length): void {
    let from = start;
    while (from < end) {
      if (this.pos === this.buf.length) this.spill();
      const n = Math.min(end - from, this.buf.length - this.pos);
      this.buf.set(data.subarray(from, from + n), this.pos);
      this.pos += n;
      from += n;
    }
  }

  zeros(count: number): void {
    this.ensure(count);
    this.buf.fill(0, this.pos, this.pos + count);
    this.pos += count;
  }

  flush(): void {
    this.spill();
  }

  /** Everything written, when collecting in memory (no descriptor). */
  toBuffer(): Buffer {
    if (this.fd !== null) throw new Error('this writer writes to a file descriptor; nothing is collected');
    this.spill();
    return Buffer.concat(this.chunks);
  }

  close(): void {
    if (this.closed) return;
    this.spill();
    this.closed = true;
  }

  private ensure(count: number): void {
    if (this.closed) throw new Error('writer is closed');
    if (this.pos + count > this.buf.length) this.spill();
  }

  private spill(): void {
    if (this.pos === 0) return;
    if (this.fd !== null) {
      let done = 0;
      while (done < this.pos) done += fs.writeSync(this.fd, this.buf, done, this.pos - done);
    } else {
      this.chunks.push(Buffer.from(this.buf.subarray(0, this.pos)));
    }
    this.pos = 0;
  }
}

export interface PacketOptions {
  /** Length on the wire (default: the data length). */
  originalLength?: number;
  /** Nanoseconds beyond the microsecond, kept by nanosecond files (default 0). */
  tsNanos?: number;
}

export interface PcapWriterOptions {
  /** LINKTYPE_* value (see LinkType). */
  linkType: number;
  /** Write the nanosecond variant (magic a1b23c4d) instead of microseconds. */
  nanoseconds?: boolean;
  /** Big-endian file (as written on a big-endian host); default little-endian. */
  bigEndian?: boolean;
  /** Frames longer than this are cut (default 262144). */
  snaplen?: number;
  /** FCS bytes at the end of each frame, recorded in the header's link-type word (even, 0..30). */
  fcsLength?: number;
  /** Write to this descriptor; without it the file is collected and returned by toBuffer(). */
  fd?: number;
}

function splitMicros(tsMicros: number): [number, number] {
  if (!Number.isSafeInteger(tsMicros) || tsMicros < 0) {
    throw new RangeError(`timestamp ${tsMicros} µs is not a non-negative integer`);
  }
  const seconds = Math.floor(tsMicros / 1_000_000);
  return [seconds, tsMicros - seconds * 1_000_000];
}

/** The frame bytes of a record (valid during the handler only, so write it right away). */
function recordBytes(record: CaptureRecord): Uint8Array {
  return record.data.subarray(record.offset, record.offset + record.capturedLength);
}

export class PcapWriter {
  readonly linkType: number;
  readonly nanoseconds: boolean;
  readonly littleEndian: boolean;
  readonly snaplen: number;
  private readonly out: Output;

  constructor(options: PcapWriterOptions) {
    this.linkType = options.linkType;
    this.nanoseconds = options.nanoseconds ?? false;
    this.littleEndian = !(options.bigEndian ?? false);
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    this.out = new Output(options.fd);
    const le = this.littleEndian;
    let linkWord = this.linkType & 0xffff;
    if (options.fcsLength !== undefined) {
      // draft-ietf-opsawg-pcap: FCS length in 16-bit words in bits 31..28, P bit 26 says "present".
      linkWord = (linkWord | 0x04000000 | (((options.fcsLength >>> 1) & 0xf) << 28)) >>> 0;
    }
    this.out.u32(this.nanoseconds ? PcapMagic.nano : PcapMagic.micro, le);
    this.out.u16(2, le);
    this.out.u16(4, le);
    this.out.u32(0, le); // reserved (was "thiszone")
    this.out.u32(0, le); // reserved (was "sigfigs")
    this.out.u32(this.snaplen, le);
    this.out.u32(linkWord, le);
  }

  /** Writes one frame with a timestamp in integer microseconds since 1970. */
  writePacket(tsMicros: number, data: Uint8Array, options: PacketOptions = {}): void {
    const [seconds, micros] = splitMicros(tsMicros);
    const le = this.littleEndian;
    const captured = Math.min(data.length, this.snaplen);
    this.out.u32(seconds, le);
    this.out.u32(this.nanoseconds ? micros * 1000 + (options.tsNanos ?? 0) : micros, le);
    this.out.u32(captured, le);
    this.out.u32(options.originalLength ?? data.length, le);
    this.out.bytes(data, 0, captured);
  }

  /** Copies a record from readCapture (call it inside the handler). */
  writeRecord(record: CaptureRecord): void {
    this.writePacket(record.tsMicros, recordBytes(record), {
      originalLength: record.originalLength,
      tsNanos: record.tsNanos,
    });
  }

  flush(): void {
    this.out.flush();
  }

  toBuffer(): Buffer {
    return this.out.toBuffer();
  }

  /** Flushes; the descriptor stays open (it belongs to the caller). */
  close(): void {
    this.out.close();
  }
}

export interface PcapngWriterOptions {
  /** Byte order of the first section (default little-endian). */
  bigEndian?: boolean;
  fd?: number;
}

export interface PcapngInterfaceOptions {
  linkType: number;
  /** 0 = no limit (default 262144). */
  snaplen?: number;
  /** if_tsresol byte: 6 = µs (default), 9 = ns, 0x80 | p = 2^-p seconds. */
  tsresol?: number;
  /** if_tsoffset: seconds added to every timestamp of this interface. */
  tsoffset?: number;
  /** if_name. */
  name?: string;
  /** if_description. */
  description?: string;
  /** opt_comment. */
  comment?: string;
}

interface WriterInterface {
  snaplen: number;
  tsresol: number;
  tsoffset: number;
}

const OPT_COMMENT = 1;
const OPT_IF_NAME = 2;
const OPT_IF_DESCRIPTION = 3;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const OPT_SHB_USERAPPL = 4;

/** Timestamp in interface units: (µs, ns) since 1970 minus tsoffset, scaled by tsresol. */
function toUnits(tsMicros: number, tsNanos: number, iface: WriterInterface): bigint {
  const nanos = (BigInt(tsMicros) - BigInt(iface.tsoffset) * 1_000_000n) * 1000n + BigInt(tsNanos);
  if (nanos < 0n) throw new RangeError('timestamp is before the interface tsoffset');
  const exponent = BigInt(iface.tsresol & 0x7f);
  if ((iface.tsresol & 0x80) !== 0) return (nanos << exponent) / 1_000_000_000n;
  return exponent >= 9n ? nanos * 10n ** (exponent - 9n) : nanos / 10n ** (9n - exponent);
}

export class PcapngWriter {
  private readonly out: Output;
  private littleEndian: boolean;
  private interfaces: WriterInterface[] = [];
  private sectionOpen = false;

  constructor(options: PcapngWriterOptions = {}) {
    this.out = new Output(options.fd);
    this.littleEndian = !(options.bigEndian ?? false);
  }

  /** Starts a (new) section: interfaces are numbered from 0 again in it (pcapng spec 4.1). */
  startSection(options: { bigEndian?: boolean; userApplication?: string } = {}): void {
    if (options.bigEndian !== undefined) this.littleEndian = !options.bigEndian;
    const le = this.littleEndian;
    const appl = Buffer.from(options.userApplication ?? 'rstscope', 'utf8');
    const optionsLength = 4 + pad4(appl.length) + 4;
    const total = 8 + 16 + optionsLength + 4;
    this.out.u32(BlockType.sectionHeader, le);
    this.out.u32(total, le);
    this.out.u32(BYTE_ORDER_MAGIC, le);
    this.out.u16(1, le);
    this.out.u16(0, le);
    this.out.i64(-1n, le); // section length unknown
    this.option(OPT_SHB_USERAPPL, appl);
    this.out.u32(0, le); // opt_endofopt
    this.out.u32(total, le);
    this.interfaces = [];
    this.sectionOpen = true;
  }

  /** Adds an Interface Description Block; returns its id in the current section. */
  addInterface(options: PcapngInterfaceOptions): number {
    if (!this.sectionOpen) this.startSection();
    const le = this.littleEndian;
    const iface: WriterInterface = {
      snaplen: options.snaplen ?? DEFAULT_SNAPLEN,
      tsresol: options.tsresol ?? TSRESOL_MICRO,
      tsoffset: options.tsoffset ?? 0,
    };
    const name = options.name === undefined ? null : Buffer.from(options.name, 'utf8');
    const description = options.description === undefined ? null : Buffer.from(options.description, 'utf8');
    const comment = options.comment === undefined ? null : Buffer.from(options.comment, 'utf8');
    let optionsLength = 0;
    for (const text of [comment, name, description])
      if (text !== null) optionsLength += 4 + pad4(text.length);
    if (iface.tsresol !== TSRESOL_MICRO) optionsLength += 4 + 4;
    if (iface.tsoffset !== 0) optionsLength += 4 + 8;
    if (optionsLength > 0) optionsLength += 4;
    const total = 8 + 8 + optionsLength + 4;
    this.out.u32(BlockType.interfaceDescription, le);
    this.out.u32(total, le);
    this.out.u16(options.linkType, le);
    this.out.u16(0, le);
    this.out.u32(iface.snaplen, le);
    if (comment !== null) this.option(OPT_COMMENT, comment);
    if (name !== null) this.option(OPT_IF_NAME, name);
    if (description !== null) this.option(OPT_IF_DESCRIPTION, description);
    if (iface.tsresol !== TSRESOL_MICRO) this.option(OPT_IF_TSRESOL, Uint8Array.of(iface.tsresol));
    if (iface.tsoffset !== 0) {
      const value = Buffer.alloc(8);
      if (le) value.writeBigInt64LE(BigInt(iface.tsoffset));
      else value.writeBigInt64BE(BigInt(iface.tsoffset));
      this.option(OPT_IF_TSOFFSET, value);
    }
    if (optionsLength > 0) this.out.u32(0, le);
    this.out.u32(total, le);
    this.interfaces.push(iface);
    return this.interfaces.length - 1;
  }

  /** Enhanced Packet Block with a timestamp in µs (+ ns), converted to the interface's unit. */
  writePacket(interfaceId: number, tsMicros: number, data: Uint8Array, options: PacketOptions = {}): void {
    const iface = this.interface(interfaceId);
    splitMicros(tsMicros);
    this.writePacketUnits(
      interfaceId,
      toUnits(tsMicros, options.tsNanos ?? 0, iface),
      data,
      options.originalLength,
    );
  }

  /** Enhanced Packet Block with a raw 64-bit timestamp in the interface's units. */
  writePacketUnits(interfaceId: number, units: bigint, data: Uint8Array, originalLength?: number): void {
    this.timestamped(BlockType.enhancedPacket, interfaceId, units, data, originalLength);
  }

  /** Obsolete Packet Block (type 2): 16-bit interface id, drops count 0. */
  writeObsoletePacket(interfaceId: number, units: bigint, data: Uint8Array, originalLength?: number): void {
    this.timestamped(BlockType.packet, interfaceId, units, data, originalLength);
  }

  /** Simple Packet Block: interface 0, no timestamp; the frame is cut to interface 0's snaplen. */
  writeSimplePacket(data: Uint8Array, originalLength?: number): void {
    const iface = this.interface(0);
    const le = this.littleEndian;
    const captured = iface.snaplen === 0 ? data.length : Math.min(data.length, iface.snaplen);
    const total = 8 + 4 + pad4(captured) + 4;
    this.out.u32(BlockType.simplePacket, le);
    this.out.u32(total, le);
    this.out.u32(originalLength ?? data.length, le);
    this.out.bytes(data, 0, captured);
    this.out.zeros(pad4(captured) - captured);
    this.out.u32(total, le);
  }

  /** Any other block (NRB, ISB, custom, unknown types), body padded to 32 bits. */
  writeBlock(type: number, body: Uint8Array): void {
    if (!this.sectionOpen) this.startSection();
    const le = this.littleEndian;
    const total = 8 + pad4(body.length) + 4;
    this.out.u32(type, le);
    this.out.u32(total, le);
    this.out.bytes(body);
    this.out.zeros(pad4(body.length) - body.length);
    this.out.u32(total, le);
  }

  /** Copies a record from readCapture into interface `interfaceId` (call it inside the handler). */
  writeRecord(interfaceId: number, record: CaptureRecord): void {
    this.writePacket(interfaceId, record.tsMicros, recordBytes(record), {
      originalLength: record.originalLength,
      tsNanos: record.tsNanos,
    });
  }

  flush(): void {
    this.out.flush();
  }

  toBuffer(): Buffer {
    return this.out.toBuffer();
  }

  close(): void {
    this.out.close();
  }

  private interface(interfaceId: number): WriterInterface {
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) throw new RangeError(`no interface ${interfaceId} in this section`);
    return iface;
  }

  private timestamped(
    type: number,
    interfaceId: number,
    units: bigint,
    data: Uint8Array,
    originalLength: number | undefined,
  ): void {
    const iface = this.interface(interfaceId);
    if (units < 0n || units >= 1n << 64n) throw new RangeError('timestamp does not fit in 64 bits');
    const le = this.littleEndian;
    const captured = iface.snaplen === 0 ? data.length : Math.min(data.length, iface.snaplen);
    const total = 8 + 20 + pad4(captured) + 4;
    this.out.u32(type, le);
    this.out.u32(total, le);
    if (type === BlockType.packet) {
      this.out.u16(interfaceId, le);
      this.out.u16(0, le); // drops count
    } else {
      this.out.u32(interfaceId, le);
    }
    this.out.u32(Number(units >> 32n), le);
    this.out.u32(Number(units & 0xffffffffn), le);
    this.out.u32(captured, le);
    this.out.u32(originalLength ?? data.length, le);
    this.out.bytes(data, 0, captured);
    this.out.zeros(pad4(captured) - captured);
    this.out.u32(total, le);
  }

  private option(code: number, value: Uint8Array): void {
    const le = this.littleEndian;
    this.out.u16(code, le);
    this.out.u16(value.length, le);
    this.out.bytes(value);
    this.out.zeros(pad4(value.length) - value.length);
  }
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
