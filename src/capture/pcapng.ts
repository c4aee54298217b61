/**
 * pcapng (draft-ietf-opsawg-pcapng, "PCAP Now Generic"): a sequence of blocks, each
 * `type, total length, body, total length again`, 32-bit aligned. A file is one or more sections;
 * each starts with a Section Header Block (SHB) whose byte-order magic fixes the byte order of
 * the section, and interfaces (IDBs) are numbered from 0 again in every section. Packets come in
 * Enhanced Packet Blocks (EPB), Simple Packet Blocks (SPB) or the obsolete Packet Block (PB).
 * Every other block type is skipped by its length, as the spec asks of readers.
 *
 * A corrupt block length (impossible, different at both ends, or — when the file size is known —
 * running past the end of the file) would end the file for tshark. Blocks are 32-bit aligned and
 * repeat their length at their end, so the reader looks at each following 4-byte boundary for a
 * known block type whose two length fields agree (and, for a packet block, whose interface
 * exists) and reads on from there, saying how many bytes it skipped. Frames after the damage are
 * numbered on from the last good frame: tshark has no numbers there.
 */
import { type FormatParser, MAX_RECORD_BYTES, STANDARD_MAX_SNAPLEN } from './format-parser.ts';
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

/** Block types a resynchronisation may land on (unknown types are skipped, but not trusted). */
const RESYNC_TYPES: ReadonlySet<number> = new Set(Object.values(BlockType));

/** Smallest length of each block type, for resynchronisation candidates. */
function minimumLength(type: number): number {
  switch (type) {
    case BlockType.sectionHeader:
      return MIN_SHB;
    case BlockType.interfaceDescription:
      return MIN_IDB;
    case BlockType.enhancedPacket:
    case BlockType.packet:
      return MIN_EPB;
    case BlockType.simplePacket:
      return MIN_SPB;
    default:
      return MIN_BLOCK;
  }
}

/** Bytes a packet block may carry beyond its frame (options: comments, hashes, flags). */
const PLAUSIBLE_OPTIONS_BYTES = 65536;

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

/**
 * Fields in the section's byte order, assembled from bytes (cheaper than Buffer's bounds-checked
 * readUInt32LE/BE, and this runs several times per block). Callers check that the bytes are there.
 */
function u32(buf: Buffer, pos: number, le: boolean): number {
  return le
    ? (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0
    : ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) >>> 0;
}

function u16(buf: Buffer, pos: number, le: boolean): number {
  return le ? buf[pos] | (buf[pos + 1] << 8) : (buf[pos] << 8) | buf[pos + 1];
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

  streamSize = -1;
  consumed = 0;

  private readonly sink: RecordSink;
  private interfaces: (PcapngInterface | null)[] = [];
  private sawInterface = false;
  /** Largest snaplen of the interfaces met (0: none or unlimited), to judge a block length. */
  private largestSnaplen = 0;
  /** Stream offset of the damaged block while looking for the next one, else -1. */
  private damageAt = -1;
  private damageType = 0;
  private damageLength = 0;
  private damageReason = '';

  constructor(sink: RecordSink) {
    this.sink = sink;
  }

  feed(buf: Buffer, pos: number, end: number, base: number): number {
    for (;;) {
      if (this.damageAt >= 0) {
        pos = this.resync(buf, pos, end, base, false);
        if (this.damageAt >= 0 || this.stopped) return pos;
      }
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
        else if (this.sections === 0) {
          const offset = base + pos;
          this.stop(offset, `bad byte-order magic in the Section Header Block at byte ${offset}`);
          return pos;
        } else {
          this.damaged(base + pos, type, 0, 'bad byte-order magic');
          pos += 4;
          continue;
        }
      } else if (this.sections === 0) {
        const offset = base + pos;
        this.stop(offset, `pcapng file does not start with a Section Header Block (byte ${offset})`);
        return pos;
      }
      const length = u32(buf, pos + 4, le);
      if (length < MIN_BLOCK || (length & 3) !== 0 || length > MAX_RECORD_BYTES) {
        this.damaged(
          base + pos,
          type,
          length,
          `block length ${length} is not a multiple of 4 between ${MIN_BLOCK} and ${MAX_RECORD_BYTES}`,
        );
        pos += 4;
        continue;
      }
      if (available < length) {
        // Only a block not wholly in the buffer can run past the end of the file.
        if (this.streamSize >= 0 && base + pos + length > this.streamSize) {
          const left = this.streamSize - (base + pos);
          this.damaged(
            base + pos,
            type,
            length,
            `block length ${length} runs past the end of the file (${left} bytes left)`,
          );
          pos += 4;
          continue;
        }
        this.need = length;
        return pos;
      }
      const trailing = u32(buf, pos + length - 4, le);
      if (trailing !== length) {
        this.damaged(
          base + pos,
          type,
          length,
          `its length is ${length} at the start but ${trailing} at the end`,
        );
        pos += 4;
        continue;
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
      this.consumed = base + pos;
    }
  }

  finish(buf: Buffer, pos: number, end: number, base: number): void {
    // At the end of a stream of unknown size, a block claiming more than is left may have a
    // corrupt length as well as be cut: a valid block after its start tells them apart.
    while (!this.stopped && end - pos >= MIN_BLOCK) {
      if (this.damageAt < 0) {
        const length = u32(buf, pos + 4, this.littleEndian);
        const left = end - pos;
        this.damaged(
          base + pos,
          u32(buf, pos, this.littleEndian),
          length,
          `block length ${length} runs past the end of the data (${left} bytes left)`,
        );
        pos += 4;
      }
      pos = this.resync(buf, pos, end, base, true);
      if (this.damageAt >= 0 || this.stopped) break;
      pos = this.feed(buf, pos, end, base);
    }
    if (this.stopped) return;
    if (this.damageAt >= 0) {
      this.unrecoverable(end, base);
      return;
    }
    const left = end - pos;
    if (left <= 0) return;
    const offset = base + pos;
    this.stop(
      offset,
      `truncated block header at byte ${offset}: ${left} of ${MIN_BLOCK} bytes present; the capture was cut short`,
    );
  }

  /** The block at `offset` cannot be stepped over: look for the next valid one. */
  private damaged(offset: number, type: number, length: number, why: string): void {
    this.damageAt = offset;
    this.damageType = type;
    this.damageLength = length;
    this.damageReason = why;
  }

  /**
   * Scans buf[pos, end) at 4-byte steps for the next valid block. Returns its position (damage
   * cleared, the skip reported) or, with the damage still set, the position to rescan from once
   * more bytes are in (`need` says how many); at the end of the input everything was tried.
   */
  private resync(buf: Buffer, pos: number, end: number, base: number, atEnd: boolean): number {
    let c = pos;
    for (; end - c >= MIN_BLOCK; c += 4) {
      const verdict = this.validBlockAt(buf, c, end, base, atEnd);
      if (verdict === 0) continue;
      if (verdict < 0) return c;
      const skipped = base + c - this.damageAt;
      this.sink.problems.add(
        this.damageAt,
        `corrupt ${blockName(this.damageType)} at byte ${this.damageAt}: ${this.damageReason}; skipped ${skipped} bytes to the next valid block, at byte ${base + c}, and read on (tshark stops at the damage; frames after it are numbered on from frame ${this.sink.frames})`,
        false,
      );
      this.damageAt = -1;
      return c;
    }
    this.need = MIN_BLOCK;
    return c;
  }

  /** 1: a valid block starts at c; 0: not here; -1: cannot tell yet (`need` set). */
  private validBlockAt(buf: Buffer, c: number, end: number, base: number, atEnd: boolean): number {
    let le = this.littleEndian;
    const type = u32(buf, c, le);
    if (type === BlockType.sectionHeader) {
      if (buf.readUInt32LE(c + 8) === BYTE_ORDER_MAGIC) le = true;
      else if (buf.readUInt32BE(c + 8) === BYTE_ORDER_MAGIC) le = false;
      else return 0;
    } else if (!RESYNC_TYPES.has(type) || this.damageType === BlockType.sectionHeader) {
      // After a damaged section header, the interfaces of what follows are unknown: only the
      // next section can be trusted.
      return 0;
    }
    const length = u32(buf, c + 4, le);
    if (length < minimumLength(type) || (length & 3) !== 0 || length > MAX_RECORD_BYTES) return 0;
    if (this.streamSize >= 0 && base + c + length > this.streamSize) return 0;
    if ((type === BlockType.enhancedPacket || type === BlockType.packet) && end - c >= MIN_EPB) {
      // Cheap checks before waiting for the whole block: its interface exists, its frame fits.
      const interfaceId = type === BlockType.packet ? u16(buf, c + 8, le) : u32(buf, c + 8, le);
      const captured = u32(buf, c + 20, le);
      if (!this.interfaces[interfaceId] || captured > length - MIN_EPB) return 0;
      if (length - MIN_EPB > this.plausibleFrameBytes() + PLAUSIBLE_OPTIONS_BYTES) return 0;
    }
    if (end - c < length) {
      if (atEnd) return 0;
      this.need = length;
      return -1;
    }
    return u32(buf, c + length - 4, le) === length ? 1 : 0;
  }

  /** The most bytes a frame of this file's interfaces can have. */
  private plausibleFrameBytes(): number {
    return Math.max(this.largestSnaplen, STANDARD_MAX_SNAPLEN);
  }

  /** No valid block after the damage: a cut file, or a corrupt length near the end. */
  private unrecoverable(end: number, base: number): void {
    const offset = this.damageAt;
    const length = this.damageLength;
    const left = (this.streamSize >= 0 ? this.streamSize : base + end) - offset;
    const name = blockName(this.damageType);
    this.damageAt = -1;
    const plausible = length <= this.plausibleFrameBytes() + MIN_EPB + PLAUSIBLE_OPTIONS_BYTES;
    if (plausible && length > left && length >= MIN_BLOCK && (length & 3) === 0) {
      this.stop(
        offset,
        `truncated ${name} at byte ${offset}: ${left} of ${length} bytes present; the capture was cut short`,
      );
    } else {
      this.stop(
        offset,
        `corrupt ${name} at byte ${offset}: ${this.damageReason}, and no valid block follows; reading stopped there`,
      );
    }
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
    if (snaplen > this.largestSnaplen) this.largestSnaplen = snaplen;
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
    record.tsPrecision = iface.scale.precision;
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
    record.tsPrecision = iface.scale.precision;
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
