/**
 * Test helpers around the capture layer: build captures with the project's own writers, put
 * them in a temporary directory, and read them back into plain objects (copies, so they survive
 * the handler).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CaptureSummary, type ReadCaptureOptions, readCapture } from '../../src/capture/index.ts';

export { LinkType, PcapngWriter, PcapWriter } from '../../src/capture/index.ts';

/** A delivered record, copied out of the reused CaptureRecord. */
export interface CollectedRecord {
  frame: number;
  tsMicros: number;
  tsNanos: number;
  linkType: number;
  interfaceId: number;
  capturedLength: number;
  originalLength: number;
  fileOffset: number;
  bytes: Buffer;
}

export interface Collected {
  records: CollectedRecord[];
  summary: CaptureSummary;
}

/** Reads a whole capture, keeping a copy of every record. */
export async function collect(
  file: string,
  options: ReadCaptureOptions = {},
  capture = 0,
): Promise<Collected> {
  const records: CollectedRecord[] = [];
  const summary = await readCapture(
    file,
    capture,
    (r) => {
      if (r.offset < 0 || r.offset + r.capturedLength > r.data.length) {
        throw new Error(`record ${r.frame} points outside its buffer`);
      }
      records.push({
        frame: r.frame,
        tsMicros: r.tsMicros,
        tsNanos: r.tsNanos,
        linkType: r.linkType,
        interfaceId: r.interfaceId,
        capturedLength: r.capturedLength,
        originalLength: r.originalLength,
        fileOffset: r.fileOffset,
        bytes: Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength)),
      });
    },
    options,
  );
  return { records, summary };
}

/** A compact fingerprint of a record list (frame, time, lengths, bytes), for equality checks. */
export function fingerprint(records: CollectedRecord[]): string {
  const hash = createHash('sha256');
  for (const r of records) {
    hash.update(
      `${r.frame} ${r.tsMicros} ${r.tsNanos} ${r.linkType} ${r.interfaceId} ${r.capturedLength} ${r.originalLength} ${r.fileOffset}\n`,
    );
    hash.update(r.bytes);
  }
  return hash.digest('hex');
}

/** A fresh temporary directory; remove it with `removeTempDir` in an `after` hook. */
export function makeTempDir(prefix = 'rstscope-capture-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function writeTemp(dir: string, name: string, content: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * A deterministic Ethernet/IPv4/TCP frame of `length` bytes (>= 54): the content is irrelevant
 * to the capture layer, but tshark dissects it cleanly, and `seed` makes frames distinguishable.
 */
export function ethernetFrame(length: number, seed = 0): Buffer {
  const frame = Buffer.alloc(Math.max(length, 54));
  Buffer.from('0200000000020200000000010800', 'hex').copy(frame, 0);
  const ip = 14;
  frame[ip] = 0x45;
  frame.writeUInt16BE(Math.min(frame.length - 14, 0xffff), ip + 2);
  frame.writeUInt16BE(seed & 0xffff, ip + 4);
  frame[ip + 8] = 64;
  frame[ip + 9] = 6;
  frame.writeUInt32BE(0x0a000001, ip + 12);
  frame.writeUInt32BE(0x0a000002, ip + 16);
  const tcp = ip + 20;
  frame.writeUInt16BE(40000 + (seed % 1000), tcp);
  frame.writeUInt16BE(80, tcp + 2);
  frame.writeUInt32BE(seed >>> 0, tcp + 4);
  frame[tcp + 12] = 0x50;
  frame[tcp + 13] = 0x10;
  for (let i = 54; i < frame.length; i++) frame[i] = (i * 7 + seed) & 0xff;
  return frame.subarray(0, length < 54 ? length : frame.length);
}

/** The shared public corpus (../shared/corpus next to the repository; RSTSCOPE_CORPUS overrides). */
export const CORPUS_DIR =
  process.env.RSTSCOPE_CORPUS ?? path.resolve(import.meta.dirname, '../../../shared/corpus');

/** Absolute path of a file in the shared public corpus. */
export function corpusFile(relative: string): string {
  return path.join(CORPUS_DIR, relative);
}
