/**
 * Compressed captures are recognised by their magic bytes, never by the file name, so
 * `zcat`-less pipelines (`curl … | rstscope explain -`) work as well as `trace.pcap.gz`.
 * Node 24's zlib inflates gzip (RFC 1952, several members allowed; the framing is ours, gzip.ts)
 * and decompresses zstd (RFC 8878) as streams: no npm dependency, memory bounded by the chunk size.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type ByteSource, RawInputError, StreamSource } from './byte-source.ts';
import { gunzip } from './gzip.ts';

export type Compression = 'none' | 'gzip' | 'zstd';

/** Bytes needed to recognise every format below. */
export const MAGIC_BYTES = 4;

/** gzip: 1f 8b (RFC 1952 2.3.1); zstd frame: 28 b5 2f fd (RFC 8878 3.1.1). */
export function compressionOf(buf: Buffer, length: number): Compression {
  if (length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
  if (length >= 4 && buf[0] === 0x28 && buf[1] === 0xb5 && buf[2] === 0x2f && buf[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Formats we recognise but do not read, to give a useful hint instead of "not a capture". */
export function unsupportedFormatHint(buf: Buffer, length: number): string | null {
  const starts = (...bytes: number[]) => length >= bytes.length && bytes.every((b, i) => buf[i] === b);
  if (starts(0x42, 0x5a, 0x68)) return 'it is bzip2-compressed: decompress it first (bunzip2)';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'it is xz-compressed: decompress it first (unxz)';
  if (starts(0x04, 0x22, 0x4d, 0x18)) return 'it is lz4-compressed: decompress it first (unlz4)';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'it is a zip archive: extract the capture first';
  if (starts(0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00))
    return 'it is a Solaris snoop capture: convert it with editcap -F pcap';
  if (starts(0x47, 0x4d, 0x42, 0x55) || starts(0x52, 0x54, 0x53, 0x53)) {
    return 'it is a Microsoft Network Monitor capture: convert it with editcap -F pcap';
  }
  return null;
}

/** Raw chunks are read from the underlying input in pieces of this size. */
const RAW_CHUNK = 1024 * 1024;
/** Decompressor output chunk size: large chunks mean fewer copies and awaits. */
const OUTPUT_CHUNK = 256 * 1024;

/**
 * A source of decompressed bytes. `head` holds the raw bytes already taken from `raw` to look at
 * the magic; the rest is pulled from `raw` as the decompressor asks for it.
 *
 * gzip goes through our own member reader (gzip.ts) so that a bad trailer costs no data; zstd
 * through Node's decompressor, which already delivers what `zstdcat` does (zstd itself withholds
 * the block whose checksum fails).
 */
export function decompressingSource(raw: ByteSource, head: Buffer, kind: 'gzip' | 'zstd'): StreamSource {
  let headPending = true;
  async function nextRawChunk(): Promise<Buffer | null> {
    if (headPending) {
      headPending = false;
      return head;
    }
    // A fresh buffer per raw chunk: the decompressor may hold on to it asynchronously.
    const chunk = Buffer.allocUnsafe(RAW_CHUNK);
    let n: number;
    try {
      n = await raw.read(chunk, 0, chunk.length);
    } catch (error) {
      throw error instanceof RawInputError ? error : new RawInputError(error);
    }
    if (n === 0) return null;
    return n === chunk.length ? chunk : chunk.subarray(0, n);
  }
  if (kind === 'gzip') return new StreamSource(gunzip(nextRawChunk, OUTPUT_CHUNK), () => raw.rawBytes);

  async function* rawChunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = await nextRawChunk();
      if (chunk === null) return;
      yield chunk;
    }
  }
  const decompressor = zlib.createZstdDecompress({ chunkSize: OUTPUT_CHUNK });
  const input = Readable.from(rawChunks(), { objectMode: false });
  // pipe() does not forward errors: an I/O error of the input must end the decompressed stream
  // too, with the same error, so the reader can tell it from corrupt compressed data.
  input.on('error', (error) => decompressor.destroy(error));
  // And when reading stops early, the decompressor is destroyed: stop pulling raw bytes too.
  decompressor.on('close', () => input.destroy());
  input.pipe(decompressor);
  return new StreamSource(decompressor, () => raw.rawBytes);
}
