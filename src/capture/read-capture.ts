/**
 * readCapture: the one entry point of the capture layer. Streams a pcap or pcapng file (plain,
 * gzip or zstd; a path or standard input) and calls the handler once per frame with the one
 * reused CaptureRecord, whose bytes are a window of the reader's own buffer.
 *
 * Memory is one buffer (4 MiB by default) that grows only when a single record is larger, up to
 * MAX_RECORD_BYTES. A record straddling the end of the buffer is moved to the front with
 * copyWithin and the next chunk is read behind it; nothing is concatenated per chunk.
 *
 * Bad content never rejects: it becomes a CaptureProblem in the summary, and every frame before
 * it has been delivered. Only the input itself failing (missing file, permission, I/O error)
 * rejects, with a CaptureInputError whose message a CLI can print as is.
 */
import fs from 'node:fs';
import { type ByteSource, FileSource, RawInputError, StreamSource } from './byte-source.ts';
import {
  type Compression,
  compressionOf,
  decompressingSource,
  MAGIC_BYTES,
  unsupportedFormatHint,
} from './compression.ts';
import { type FormatParser, MAX_RECORD_BYTES } from './format-parser.ts';
import { PcapParser, pcapVariantOf } from './pcap.ts';
import { BlockType, PcapngParser } from './pcapng.ts';
import { hexBytes, ProblemLog } from './problems.ts';
import type { CaptureInterface, CaptureSummary, RecordHandler } from './record.ts';
import { emptySummary } from './record.ts';
import { RecordSink } from './record-sink.ts';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/** The buffer never grows beyond the largest acceptable record plus its header. */
const MAX_BUFFER_SIZE = MAX_RECORD_BYTES + 1024;
const MIN_CHUNK_SIZE = 16;
const PROGRESS_INTERVAL_MS = 250;

export interface ReadCaptureOptions {
  /** Size of the reused read buffer (default 4 MiB); tests use tiny values to force straddling. */
  chunkSize?: number;
  /**
   * Called after a chunk is read, at most every 250 ms, and once at the end. `bytesRead` counts
   * bytes taken from the file or pipe (compressed bytes for a compressed file), so that it can be
   * compared with `totalBytes`, the file size (null for a pipe or standard input).
   */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Stream read when path is '-' (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Called for each pcapng Interface Description Block, before the packets that refer to it. */
  onInterface?: (iface: CaptureInterface) => void;
  /**
   * Called when the input is a stream (standard input, a pipe) and the reader is about to wait
   * for more of it: everything delivered so far is all there is for now, the moment for a
   * consumer to flush its output so that `tcpdump -w - | rstscope packets -` shows packets as
   * they come. Never called for a file, compressed or not.
   */
  onWait?: () => void;
}

/** The input could not be read at all (or failed while being read): not a content problem. */
export class CaptureInputError extends Error {
  readonly path: string;
  /** The system error code (ENOENT, EACCES, EISDIR, EIO…) when there is one. */
  readonly code: string | undefined;
  /**
   * When the input failed while being read: what was read before (frames delivered, problems),
   * with this error as its last, fatal problem. null when the input could not be opened.
   */
  summary: CaptureSummary | null = null;

  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`${path}: ${describeSystemError(code, cause)}`, { cause });
    this.name = 'CaptureInputError';
    this.path = path;
    this.code = code;
  }
}

function describeSystemError(code: string | undefined, cause: unknown): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a capture file';
    case 'EIO':
      return 'input/output error while reading';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}

interface OpenedInput {
  source: ByteSource;
  totalBytes: number | null;
}

function openInput(path: string, options: ReadCaptureOptions): OpenedInput {
  if (path === '-') {
    return { source: new StreamSource(options.stdin ?? process.stdin), totalBytes: null };
  }
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    throw new CaptureInputError(path, error);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    // A FIFO or character device (process substitution, /dev/stdin) has no meaningful size.
    return { source: new FileSource(fd), totalBytes: stat.isFile() ? stat.size : null };
  } catch (error) {
    fs.closeSync(fd);
    throw new CaptureInputError(path, error);
  }
}

function parserFor(buf: Buffer, pos: number, sink: RecordSink): FormatParser | null {
  if (pcapVariantOf(buf, pos) !== null) return new PcapParser(sink);
  if (buf.readUInt32LE(pos) === BlockType.sectionHeader) return new PcapngParser(sink);
  return null;
}

/**
 * Reads one capture. `capture` is the index of this input in the run, copied into every record.
 * Resolves with a summary (problems included) for any content; rejects only with a
 * CaptureInputError (or with whatever the handler throws).
 */
export async function readCapture(
  path: string,
  capture: number,
  onRecord: RecordHandler,
  options: ReadCaptureOptions = {},
): Promise<CaptureSummary> {
  const problems = new ProblemLog(path);
  const sink = new RecordSink(capture, onRecord, problems, options.onInterface ?? null);
  const summary = emptySummary(capture, path, problems.problems, sink.linkTypes);
  const opened = openInput(path, options);
  const raw = opened.source;
  let source = raw;
  const onProgress = options.onProgress;
  // Only a stream makes the reader wait: a file (even a compressed one) reads as fast as it can.
  const onWait = opened.totalBytes === null ? options.onWait : undefined;
  let lastProgress = 0;
  const chunkSize = Math.max(
    MIN_CHUNK_SIZE,
    Math.min(options.chunkSize ?? DEFAULT_CHUNK_SIZE, MAX_BUFFER_SIZE),
  );

  let buf = Buffer.allocUnsafe(chunkSize);
  /** buf[0, filled) holds data; buf[pos, filled) is not consumed yet; buf[0] is at stream offset base. */
  let filled = 0;
  let pos = 0;
  let base = 0;
  let parser: FormatParser | null = null;
  let compressionChecked = false;
  let decompressionFailed = false;

  try {
    for (;;) {
      if (filled === buf.length) {
        if (pos > 0) {
          // Move the unfinished record to the front; the next read goes behind it.
          buf.copyWithin(0, pos, filled);
          base += pos;
          filled -= pos;
          pos = 0;
        } else {
          // One record is larger than the whole buffer: grow (parsers cap what they ask for).
          const need = parser === null ? buf.length * 2 : parser.need;
          const size = Math.min(Math.max(need, buf.length * 2), MAX_BUFFER_SIZE);
          if (size <= buf.length) {
            problems.add(base, `a record larger than ${MAX_BUFFER_SIZE} bytes; reading stopped`, true);
            break;
          }
          const bigger = Buffer.allocUnsafe(size);
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
      }

      let n: number;
      try {
        const read = source.read(buf, filled, buf.length - filled);
        if (typeof read === 'number') {
          n = read;
        } else {
          onWait?.();
          n = await read;
        }
      } catch (error) {
        if (error instanceof RawInputError || source === raw) throw error;
        // The decompressor failed: corrupt or cut compressed data. What came before is delivered.
        decompressionFailed = true;
        problems.add(base + filled, decompressionProblem(summary.compression, raw.rawBytes, error), true);
        break;
      }
      if (n === 0) break;
      filled += n;
      if (onProgress !== undefined) {
        const now = Date.now();
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now;
          onProgress(raw.rawBytes, opened.totalBytes);
        }
      }

      if (!compressionChecked) {
        if (filled < MAGIC_BYTES) continue;
        compressionChecked = true;
        const kind = compressionOf(buf, filled);
        if (kind !== 'none') {
          summary.compression = kind;
          source = decompressingSource(raw, Buffer.from(buf.subarray(0, filled)), kind);
          filled = 0;
          continue;
        }
      }
      if (parser === null) {
        if (filled - pos < MAGIC_BYTES) continue;
        parser = parserFor(buf, pos, sink);
        if (parser === null) {
          notACapture(problems, summary.compression, buf, filled);
          break;
        }
        summary.format = parser.format;
        // The parser can tell a corrupt length from a cut file only when it knows where the
        // stream ends: the size of an uncompressed file.
        if (summary.compression === 'none' && opened.totalBytes !== null)
          parser.streamSize = opened.totalBytes;
      }
      pos = parser.feed(buf, pos, filled, base);
      if (parser.stopped) break;
    }

    if (parser === null) {
      if (!problems.fatal) notACapture(problems, summary.compression, buf, filled);
    } else if (!parser.stopped && !decompressionFailed) {
      parser.finish(buf, pos, filled, base);
    }
  } catch (error) {
    if (error instanceof RawInputError) {
      const failure = new CaptureInputError(path, error.cause);
      problems.add(base + pos, describeSystemError(failure.code, error.cause), true);
      failure.summary = finishSummary(summary, sink, parser, base + pos);
      failure.summary.readable = false;
      throw failure;
    }
    throw error;
  } finally {
    if (source !== raw) source.close();
    raw.close();
  }

  finishSummary(summary, sink, parser, base + pos);
  if (onProgress !== undefined) onProgress(raw.rawBytes, opened.totalBytes);
  return summary;
}

function finishSummary(
  summary: CaptureSummary,
  sink: RecordSink,
  parser: FormatParser | null,
  bytes: number,
): CaptureSummary {
  summary.bytes = parser !== null ? parser.consumed : bytes;
  summary.records = sink.delivered;
  if (parser !== null) summary.tsPrecision = parser.tsPrecision;
  // Readable unless nothing at all came out: not a capture, or damaged before its first frame.
  summary.readable = parser !== null && (sink.frames > 0 || !summary.problems.some((p) => p.fatal));
  return summary;
}

/** Corrupt or cut compressed data, worded by what zlib found. */
function decompressionProblem(compression: Compression, rawBytes: number, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (compression === 'gzip' && /incorrect (data|length) check/.test(message)) {
    // The trailer is checked after its member's data was delivered (gzip.ts): nothing is missing.
    return `the gzip data fails its integrity check after ${rawBytes} compressed bytes (${message}: the trailer's CRC-32 or length does not match); every packet it covers was read, but some may be damaged; reading stopped there`;
  }
  return `the ${compression} data is corrupt or cut short after ${rawBytes} compressed bytes (${message}); reading stopped there`;
}

function notACapture(problems: ProblemLog, compression: Compression, buf: Buffer, filled: number): void {
  if (filled === 0) {
    const message =
      compression === 'none' ? 'empty file, not a capture' : `empty once ${compression}-decompressed`;
    problems.add(0, message, true);
    return;
  }
  const what =
    compression === 'none'
      ? 'not a pcap or pcapng file'
      : `${compression}-compressed, but not a pcap or pcapng file`;
  const hint = unsupportedFormatHint(buf, filled);
  const where = compression === 'none' ? 'at byte 0' : 'at byte 0 of the decompressed data';
  const found = `no pcap or pcapng magic number ${where} (found ${hexBytes(buf, 0, Math.min(filled, MAGIC_BYTES))})`;
  problems.add(0, `${what}: ${found}${hint === null ? '' : `; ${hint}`}`, true);
}
