/**
 * Where the reader's bytes come from: a file read with `fs.readSync` straight into the reader's
 * buffer, or a stream (standard input, a decompressor) whose chunks are copied into it. Both
 * look the same to the reader loop: `read` fills part of the buffer and returns the byte count,
 * 0 at the end. A file answers synchronously; a stream only awaits when it has no chunk pending.
 */
import fs from 'node:fs';

export interface ByteSource {
  /** Copies up to `length` bytes into buf[offset…]; 0 means end of input. */
  read(buf: Buffer, offset: number, length: number): number | Promise<number>;
  /** Bytes taken from the file or pipe itself (compressed bytes when decompressing). */
  readonly rawBytes: number;
  close(): void;
}

/** An I/O failure of the input itself (not bad content): `readCapture` rejects with it. */
export class RawInputError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export class FileSource implements ByteSource {
  rawBytes = 0;
  private readonly fd: number;
  private closed = false;

  constructor(fd: number) {
    this.fd = fd;
  }

  read(buf: Buffer, offset: number, length: number): number {
    let n: number;
    try {
      n = fs.readSync(this.fd, buf, offset, length, null);
    } catch (error) {
      throw new RawInputError(error);
    }
    this.rawBytes += n;
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

export class StreamSource implements ByteSource {
  private readonly iterator: AsyncIterator<Buffer | string>;
  private chunk: Buffer | null = null;
  private chunkPos = 0;
  private ownBytes = 0;
  private readonly rawCounter: (() => number) | null;

  /**
   * @param rawCounter for a decompressed stream, the raw byte count of the underlying input;
   *   null when this stream is itself the raw input.
   */
  constructor(stream: AsyncIterable<Buffer | string>, rawCounter: (() => number) | null = null) {
    this.iterator = stream[Symbol.asyncIterator]();
    this.rawCounter = rawCounter;
  }

  get rawBytes(): number {
    return this.rawCounter ? this.rawCounter() : this.ownBytes;
  }

  read(buf: Buffer, offset: number, length: number): number | Promise<number> {
    if (this.chunk !== null) return this.copy(buf, offset, length);
    return this.pull(buf, offset, length);
  }

  close(): void {
    // Ends the iteration, which destroys the stream (a decompressor, or stdin once we stop).
    this.chunk = null;
    this.iterator.return?.().catch(() => {});
  }

  private async pull(buf: Buffer, offset: number, length: number): Promise<number> {
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return 0;
      const value = next.value;
      const chunk = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
      if (chunk.length === 0) continue;
      this.chunk = chunk;
      this.chunkPos = 0;
      this.ownBytes += chunk.length;
      return this.copy(buf, offset, length);
    }
  }

  private copy(buf: Buffer, offset: number, length: number): number {
    const chunk = this.chunk as Buffer;
    const n = Math.min(length, chunk.length - this.chunkPos);
    chunk.copy(buf, offset, this.chunkPos, this.chunkPos + n);
    this.chunkPos += n;
    if (this.chunkPos === chunk.length) this.chunk = null;
    return n;
  }
}
