/**
 * pcapng (draft-ietf-opsawg-pcapng, "PCAP Now Generic"): a sequence of blocks, each
 * `type, total length, body, total length again`, 32-bit aligned. A file is one or more sections;
 * each starts with a Section Header Block (SHB) whose byte-order magic fixes the byte order of
 * the section, and interfaces (IDBs) are numbered from 0 again in every section. Packets come in
 * Enhanced Packet Blocks (EPB), Simple Packet Blocks (SPB) or the obsolete Packet Block (PB).
 * Every other block type is skipped by its length, as the spec asks of readers.
 */
import { type FormatParser, MAX_RECORD_BYTES } from './format-parser.ts';
import type { RecordSink } from './record-sink.ts';
import { TimestampScale, TSRESOL_MICRO } from './timestamp.ts';

export const BlockType = {
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  /** Obsolete Packet Block (pcapng appendix): 16-bit interface id and drops count. */
  packet: 0x00000002,
  simplePacket: 0x00000003,
  nameResolution: 0x00000004,
  interfaceStatistics: 0x00000005,
  enhancedPacket: 0x00000006,
  systemdJournalExport: 0x00000009,
  decryptionSecrets: 0x0000000a,
  custom: 0x00000bad,
  customNoCopy: 0x40000bad,
} as const;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** IDB option codes (pcapng spec 4.2). */
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const OPT_IF_NAME = 2;
const OPT_IF_DESCRIPTION = 3;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Fixed sizes: 8-byte block header + fixed body + 4-byte trailing length (EPB and PB alike). */
const MIN_BLOCK = 12;
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_SPB = 16;

/** A hostile file could declare millions of interfaces; real ones have a handful. */
const MAX_INTERFACES_PER_SECTION = 65536;

function blockName(type: number): string {
  switch (type) {
    case BlockType.sectionHeader:
      return 'Section Header Block';
    case BlockType.interfaceDescription:
      return 'Interface Description Block';
    case BlockType.packet:
      return 'Packet Block';
    case BlockType.simplePacket:
      return 'Simple Packet Block';
    case BlockType.enhancedPacket:
      return 'Enhanced Packet Block';
    case BlockType.interfaceStatistics:
      return 'Interface Statistics Block';
    case BlockType.nameResolution:
      return 'Name Resolution Block';
    default:
      return `block of type 0x${(type >>> 0).toString(16)}`;
  }
}

function u32(buf: Buffer, pos: number, le: boolean): number {
  return le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
}

function u16(buf: Buffer, pos: number, le: boolean): number {
  return le ? buf.readUInt16LE(pos) : buf.readUInt16BE(pos);
}

/** One IDB of the current section. Allocated per IDB, never per packet. */
interface PcapngInterface {
  linkType: number;
  /** 0 means "no limit" (pcapng spec 4.2). */
  snaplen: number;
  scale: TimestampScale;
}

export class PcapngParser implements FormatParser {
  readonly format = 'pcapng';
  need = MIN_BLOCK;
  stopped = false;
  tsPrecision = TSRESOL_MICRO;
  /** Number of Section Header Blocks met. */
  sections = 0;
  /** Byte order of the current section. */
  littleEndian = true;

  private readonly sink: RecordSink;
  private interfaces: (PcapngInterface | null)[] = [];
  private sawInterface = false;

  constructor(sink: RecordSink) {
    this.sink = sink;
  }

  feed(buf: Buffer, pos: number, end: number, base: number): number {
    for (;;) {
      const available = end - pos;
      if (available < MIN_BLOCK) {
        this.need = MIN_BLOCK;
        return pos;
      }
      let le = this.littleEndian;
      const type = u32(buf, pos, le);
      if (type === BlockType.sectionHeader) {
        // The SHB type reads the same in both orders; its byte-order magic decides the order of
        // everything else, including its own length field.
        const magic = buf.readUInt32LE(pos + 8);
        if (magic === BYTE_ORDER_MAGIC) le = true;
        else if (buf.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) le = false;
        else {
          const offset = base + pos;
          this.stop(offset, `bad byte-order magic in the Section Header Block at byte ${offset}`);
          return pos;
        }
      } else if (this.sections === 0) {
        const offset = base + pos;
        this.stop(offset, `pcapng file does not start with a Section Header Block (byte ${offset})`);
        return pos;
      }
      const length = u32(buf, pos + 4, le);
      if (length < MIN_BLOCK || (length & 3) !== 0 || length > MAX_RECORD_BYTES) {
        const offset = base + pos;
        this.stop(
          offset,
          `corrupt ${blockName(type)} at byte ${offset}: block length ${length} is not a multiple of 4 between ${MIN_BLOCK} and ${MAX_RECORD_BYTES}; reading stopped there`,
        );
        return pos;
      }
      if (available < length) {
        this.need = length;
        return pos;
      }
      const trailing = u32(buf, pos + length - 4, le);
      if (trailing !== length) {
        const offset = base + pos;
        this.stop(
          offset,
          `corrupt ${blockName(type)} at byte ${offset}: its length is ${length} at the start but ${trailing} at the end; reading stopped there`,
        );
        return pos;
      }
      switch (type) {
        case BlockType.enhancedPacket:
          this.timestampedPacket(buf, pos, length, base, le, false);
          break;
        case BlockType.simplePacket:
          this.simplePacket(buf, pos, length, base, le);
          break;
        case BlockType.packet:
          this.timestampedPacket(buf, pos, length, base, le, true);
          break;
        case BlockType.interfaceDescription:
          this.interfaceDescription(buf, pos, length, base, le);
          break;
        case BlockType.sectionHeader:
          this.sectionHeader(buf, pos, length, base, le);
          if (this.stopped) return pos;
          break;
        case BlockType.systemdJournalExport:
        case BlockType.custom:
        case BlockType.customNoCopy:
          // Not packets, but Wireshark/tshark 4.0 list them as frames (shown as
          // "systemd_journal" or "data"): count them so our frame numbers stay tshark's.
          this.sink.frames++;
          break;
        default:
          // NRB, ISB, DSB and unknown blocks: nothing for us; the length check above already
          // proved we can step over them.
          break;
      }
      pos += length;
    }
  }

  finish(buf: Buffer, pos: number, end: number, base: number): void {
    const left = end - pos;
    if (left <= 0 || this.stopped) return;
    const offset = base + pos;
    if (left < MIN_BLOCK) {
      this.stop(
        offset,
        `truncated block header at byte ${offset}: ${left} of ${MIN_BLOCK} bytes present; the capture was cut short`,
      );
      return;
    }
    const type = u32(buf, pos, this.littleEndian);
    this.stop(
      offset,
      `truncated ${blockName(type)} at byte ${offset}: ${left} of ${this.need} bytes present; the capture was cut short`,
    );
  }

  private sectionHeader(buf: Buffer, pos: number, length: number, base: number, le: boolean): void {
    const offset = base + pos;
    if (length < MIN_SHB) {
      this.stop(offset, `corrupt Section Header Block at byte ${offset}: ${length} bytes is too short`);
      return;
    }
    const major = u16(buf, pos + 12, le);
    const minor = u16(buf, pos + 14, le);
    if (major !== 1) {
      // A different major version may lay blocks out differently: nothing after it can be trusted.
      this.stop(offset, `unsupported pcapng version ${major}.${minor} in the section at byte ${offset}`);
      return;
    }
    this.littleEndian = le;
    this.sections++;
    // Interface ids are per section (pcapng spec 4.1).
    this.interfaces = [];
  }

  private interfaceDescription(buf: Buffer, pos: number, length: number, base: number, le: boolean): void {
    const offset = base + pos;
    if (length < MIN_IDB) {
      this.sink.problems.add(
        offset,
        `malformed Interface Description Block at byte ${offset}: too short`,
        false,
      );
      // Keep the numbering of later interfaces right: the block still declares an interface,
      // but its packets cannot be labelled, so they are skipped.
      this.addInterface(offset, null);
      return;
    }
    const linkType = u16(buf, pos + 8, le);
    const snaplen = u32(buf, pos + 12, le);
    let tsresol = TSRESOL_MICRO;
    let tsoffset = 0;
    // Texts only when someone listens: most readers never need them.
    const texts = this.sink.onInterface !== null;
    let name: string | null = null;
    let description: string | null = null;
    let comment: string | null = null;
    const optionsEnd = pos + length - 4;
    let o = pos + 16;
    while (o + 4 <= optionsEnd) {
      const code = u16(buf, o, le);
      const size = u16(buf, o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (o + 4 + size > optionsEnd) {
        this.sink.problems.add(
          base + o,
          `malformed option ${code} in the Interface Description Block at byte ${offset}; its other options are ignored`,
          false,
        );
        break;
      }
      if (code === OPT_IF_TSRESOL && size >= 1) tsresol = buf[o + 4];
      else if (texts && code === OPT_IF_NAME) name = buf.toString('utf8', o + 4, o + 4 + size);
      else if (texts && code === OPT_IF_DESCRIPTION) description = buf.toString('utf8', o + 4, o + 4 + size);
      else if (texts && code === OPT_COMMENT && comment === null)
        comment = buf.toString('utf8', o + 4, o + 4 + size);
      else if (code === OPT_IF_TSOFFSET && size >= 8) {
        tsoffset = Number(le ? buf.readBigInt64LE(o + 4) : buf.readBigInt64BE(o + 4));
      }
      o += 4 + ((size + 3) & ~3);
    }
    const scale = new TimestampScale(tsresol, tsoffset);
    // The file's precision is the finest of its interfaces (µs when there is no IDB at all).
    if (!this.sawInterface || scale.precision > this.tsPrecision) this.tsPrecision = scale.precision;
    this.sawInterface = true;
    const id = this.interfaces.length;
    this.addInterface(offset, { linkType, snaplen, scale });
    if (texts && id < MAX_INTERFACES_PER_SECTION)
      this.sink.onInterface!({ section: this.sections, id, linkType, name, description, comment });
  }

  private addInterface(offset: number, iface: PcapngInterface | null): void {
    if (this.interfaces.length >= MAX_INTERFACES_PER_SECTION) {
      this.sink.problems.add(
        offset,
        `more than ${MAX_INTERFACES_PER_SECTION} interfaces in one section; further ones ignored`,
        false,
      );
      return;
    }
    this.interfaces.push(iface);
  }

  /**
   * EPB and the obsolete PB share their layout after the first body word: the EPB has a 32-bit
   * interface id there, the PB a 16-bit interface id and a 16-bit drops count.
   */
  private timestampedPacket(
    buf: Buffer,
    pos: number,
    length: number,
    base: number,
    le: boolean,
    obsolete: boolean,
  ): void {
    const sink = this.sink;
    const record = sink.record;
    const frame = ++sink.frames;
    if (length < MIN_EPB) {
      this.malformedPacket(pos, base, frame, obsolete, 'too short');
      return;
    }
    const interfaceId = obsolete ? u16(buf, pos + 8, le) : u32(buf, pos + 8, le);
    const captured = u32(buf, pos + 20, le);
    if (captured > length - MIN_EPB) {
      this.malformedPacket(pos, base, frame, obsolete, `${captured} captured bytes do not fit in it`);
      return;
    }
    const iface = this.interfaces[interfaceId];
    if (!iface) {
      this.unknownInterface(pos, base, frame, interfaceId);
      return;
    }
    iface.scale.convert(u32(buf, pos + 12, le), u32(buf, pos + 16, le));
    record.frame = frame;
    record.tsMicros = iface.scale.micros;
    record.tsNanos = iface.scale.nanos;
    record.linkType = iface.linkType;
    record.interfaceId = interfaceId;
    record.capturedLength = captured;
    record.originalLength = u32(buf, pos + 24, le);
    record.data = buf;
    record.offset = pos + 28;
    record.fileOffset = base + pos;
    sink.deliver();
  }

  /**
   * SPB: no interface id (always interface 0), no timestamp, no captured length: the frame is
   * the block body cut to the original length (the body is padded to 32 bits) and to the
   * interface's snaplen (pcapng spec 4.4).
   */
  private simplePacket(buf: Buffer, pos: number, length: number, base: number, le: boolean): void {
    const sink = this.sink;
    const record = sink.record;
    const frame = ++sink.frames;
    const iface = this.interfaces[0];
    if (!iface) {
      this.unknownInterface(pos, base, frame, 0);
      return;
    }
    const original = u32(buf, pos + 8, le);
    let captured = length - MIN_SPB;
    if (original < captured) captured = original;
    if (iface.snaplen !== 0 && iface.snaplen < captured) captured = iface.snaplen;
    record.frame = frame;
    // No timestamp in an SPB; Wireshark shows such frames at time 0 as well.
    record.tsMicros = 0;
    record.tsNanos = 0;
    record.linkType = iface.linkType;
    record.interfaceId = 0;
    record.capturedLength = captured;
    record.originalLength = original;
    record.data = buf;
    record.offset = pos + 12;
    record.fileOffset = base + pos;
    sink.deliver();
  }

  private malformedPacket(pos: number, base: number, frame: number, obsolete: boolean, why: string): void {
    const offset = base + pos;
    const name = obsolete ? 'Packet Block' : 'Enhanced Packet Block';
    this.sink.problems.add(
      offset,
      `malformed ${name} at byte ${offset} (frame ${frame}): ${why}; skipped`,
      false,
    );
  }

  private unknownInterface(pos: number, base: number, frame: number, interfaceId: number): void {
    const offset = base + pos;
    this.sink.problems.add(
      offset,
      `packet at byte ${offset} (frame ${frame}) refers to interface ${interfaceId}, which its section does not declare (or declares in a malformed block); skipped`,
      false,
    );
  }

  private stop(offset: number, message: string): void {
    this.stopped = true;
    this.sink.problems.add(offset, message, true);
  }
}
