/**
 * Fallback of bench/make-capture.sh when the machine could not record enough real traffic in
 * its time bound: appends copies of the recorded packets to the pcap until it reaches TARGET
 * bytes. SYNTHETIC: every copy is a replay of real frames, not new behaviour of the stack.
 *
 *   node bench/extend-capture.ts FILE TARGET_BYTES
 *
 * Copy k (1, 2, …) is shifted in time by k × (recording span + 1 s) and moves the client side
 * from 198.18.0.x to 198.18.k.x, so its connections are new 4-tuples, not retransmissions of
 * the originals. The IPv4 header checksum and the TCP checksum (whose pseudo-header holds the
 * addresses, RFC 9293 §3.1) are patched incrementally (RFC 1624 eqn. 3) so both stay valid.
 * Expects what tcpdump wrote: little-endian microsecond pcap, Ethernet; other frames are copied
 * unchanged.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

const CHUNK = 8 << 20;

/** RFC 1624: HC' = ~(~HC + ~m + m'), in one's complement arithmetic on 16-bit words. */
function patchChecksum(checksum: number, oldWord: number, newWord: number): number {
  let sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + newWord;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Rewrites 198.18.0.x → 198.18.k.x in one frame (source or destination) and fixes checksums. */
function moveClient(frame: Buffer, start: number, length: number, k: number): void {
  if (length < 34 || frame.readUInt16BE(start + 12) !== 0x0800) return;
  const ip = start + 14;
  const headerLength = (frame[ip] & 0x0f) * 4;
  for (const field of [ip + 12, ip + 16]) {
    if (frame[field] !== 198 || frame[field + 1] !== 18 || frame[field + 2] !== 0) continue;
    const oldWord = frame.readUInt16BE(field + 2);
    frame[field + 2] = k;
    const newWord = frame.readUInt16BE(field + 2);
    frame.writeUInt16BE(patchChecksum(frame.readUInt16BE(ip + 10), oldWord, newWord), ip + 10);
    const fragmentOffset = frame.readUInt16BE(ip + 6) & 0x1fff;
    const tcpChecksum = ip + headerLength + 16;
    if (frame[ip + 9] === 6 && fragmentOffset === 0 && tcpChecksum + 2 <= start + length) {
      frame.writeUInt16BE(patchChecksum(frame.readUInt16BE(tcpChecksum), oldWord, newWord), tcpChecksum);
    }
  }
}

function extend(path: string, target: number): void {
  const input = openSync(path, 'r');
  const output = openSync(path, 'a');
  try {
    const recorded = fstatSync(input).size;
    const buffer = Buffer.allocUnsafe(CHUNK);
    if (readSync(input, buffer, 0, 24, 0) < 24 || buffer.readUInt32LE(0) !== 0xa1b2c3d4) {
      throw new Error(`${path}: not a little-endian microsecond pcap (what tcpdump writes here)`);
    }
    // Recording span, from the first and the last record's timestamps.
    let first = -1;
    let last = 0;
    forEachRecord(input, recorded, buffer, (data, at) => {
      const micros = data.readUInt32LE(at) * 1e6 + data.readUInt32LE(at + 4);
      if (first < 0) first = micros;
      last = Math.max(last, micros);
    });
    const shiftMicros = last - first + 1e6;
    let size = recorded;
    for (let k = 1; size < target && k < 256; k++) {
      forEachRecord(input, recorded, buffer, (data, at, included) => {
        if (size >= target) return;
        const micros = data.readUInt32LE(at) * 1e6 + data.readUInt32LE(at + 4) + k * shiftMicros;
        data.writeUInt32LE(Math.floor(micros / 1e6), at);
        data.writeUInt32LE(micros % 1e6, at + 4);
        moveClient(data, at + 16, included, k);
        size += writeSync(output, data, at, 16 + included);
      });
      console.log(`  synthesised copy ${k}: file now ${(size / 1e6).toFixed(0)} MB`);
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

/** Calls `visit` with each whole record of the first `end` bytes (header at `at`). */
function forEachRecord(
  fd: number,
  end: number,
  buffer: Buffer,
  visit: (data: Buffer, at: number, included: number) => void,
): void {
  let position = 24;
  while (position + 16 <= end) {
    const filled = readSync(fd, buffer, 0, Math.min(CHUNK, end - position), position);
    let at = 0;
    while (at + 16 <= filled) {
      const included = buffer.readUInt32LE(at + 8);
      if (at + 16 + included > filled) break;
      visit(buffer, at, included);
      at += 16 + included;
    }
    if (at === 0) return; // a record larger than the buffer, or a cut last record: stop
    position += at;
  }
}

const [path, target] = process.argv.slice(2);
if (!path || !Number(target)) {
  console.error('usage: extend-capture.ts FILE TARGET_BYTES');
  process.exit(2);
}
extend(path, Number(target));
