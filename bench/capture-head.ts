/**
 * Just enough of the pcap and pcapng layouts to count a file's packets and to copy its first
 * ~N % on a record boundary (for the flat-memory check). Deliberately independent of src/capture:
 * the benchmark must not trust the code it measures to describe the file it measures.
 *
 * pcap: 24-byte file header, then 16-byte record headers whose incl_len is at offset 8
 * (draft-ietf-opsawg-pcap §4, §5). pcapng: blocks of type(4) length(4) … length(4); packets are
 * Enhanced (6), Simple (3) and obsolete Packet (2) blocks; the Section Header Block's byte-order
 * magic 0x1A2B3C4D says the endianness (draft-ietf-opsawg-pcapng §3.1, §4.1).
 * Compressed captures are not walked (undefined).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const CHUNK = 4 << 20;

export interface CaptureLayout {
  format: 'pcap' | 'pcapng';
  packets: number;
  /** Byte offset just after the last whole packet record/block at or below the requested cut. */
  cutOffset: number;
  /** Packets before cutOffset. */
  cutPackets: number;
}

/**
 * Walks the file's records. `cutAt` asks for the first record boundary at or after that byte
 * offset (use Infinity when no cut is wanted).
 */
export function walkCapture(path: string, cutAt = Number.POSITIVE_INFINITY): CaptureLayout | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bufferStart = 0; // file offset of buffer[0]
    let filled = readSync(fd, buffer, 0, CHUNK, 0);
    if (filled < 24) return undefined;
    const magic = buffer.readUInt32BE(0);
    let format: 'pcap' | 'pcapng';
    let little = false;
    if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
      format = 'pcap';
      little = true;
    } else if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
      format = 'pcap';
    } else if (magic === 0x0a0d0d0a) {
      format = 'pcapng';
    } else {
      return undefined;
    }
    let position = format === 'pcap' ? 24 : 0;
    let packets = 0;
    let cutOffset = -1;
    let cutPackets = 0;
    for (;;) {
      if (cutOffset < 0 && position >= cutAt) {
        cutOffset = position;
        cutPackets = packets;
      }
      let local = position - bufferStart;
      if (local + 16 > filled) {
        // Slide the window so the next header (and usually its body) is in the buffer.
        bufferStart = position;
        filled = readSync(fd, buffer, 0, CHUNK, bufferStart);
        local = 0;
        if (filled < (format === 'pcap' ? 16 : 12)) break;
      }
      let length: number;
      if (format === 'pcap') {
        const included = little ? buffer.readUInt32LE(local + 8) : buffer.readUInt32BE(local + 8);
        length = 16 + included;
        packets++;
      } else {
        const type = buffer.readUInt32LE(local); // the SHB type is a palindrome
        if (type === 0x0a0d0d0a) little = buffer.readUInt32LE(local + 8) === 0x1a2b3c4d;
        const blockType = little ? type : buffer.readUInt32BE(local);
        length = little ? buffer.readUInt32LE(local + 4) : buffer.readUInt32BE(local + 4);
        if (length < 12 || length % 4 !== 0) break; // corrupt: stop counting here
        if (blockType === 6 || blockType === 3 || blockType === 2) packets++;
      }
      position += length;
    }
    if (cutOffset < 0) {
      cutOffset = position;
      cutPackets = packets;
    }
    return { format, packets, cutOffset, cutPackets };
  } finally {
    closeSync(fd);
  }
}

/** Copies bytes [0, length) of `source` to `target`. */
export function copyPrefix(source: string, target: string, length: number): void {
  const input = openSync(source, 'r');
  const output = openSync(target, 'w');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let done = 0;
    while (done < length) {
      const n = readSync(input, buffer, 0, Math.min(CHUNK, length - done), done);
      if (n <= 0) break;
      writeSync(output, buffer, 0, n);
      done += n;
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}
