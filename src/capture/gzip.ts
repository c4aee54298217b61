/**
 * gzip (RFC 1952) read member by member: the header and the trailer are parsed here, the deflate
 * data in between is inflated by zlib in raw mode, and the CRC-32 and length of the trailer are
 * checked here too.
 *
 * Why not zlib.createGunzip: when a trailer does not match, Node's Gunzip reports the error and
 * drops what the inflate call that reached the trailer had produced — up to a whole output chunk.
 * A capture whose only damage was a bad CRC lost its last 476 of 2670 packets that `zcat`
 * recovers. Here every byte the inflater produced has been handed on before the check fails, so
 * the reader analyses all of it and then reports the damage.
 *
 * Memory stays bounded as with a pipe: one raw chunk is written at a time and the next only after
 * the inflater has consumed it, and the inflater pauses while its output is not read.
 */
import zlib from 'node:zlib';

/** Next raw chunk of the compressed input (a fresh buffer each time), null at its end. */
export type RawChunkReader = () => Promise<Buffer | null>;

const EMPTY: Buffer = Buffer.alloc(0);

// RFC 1952 §2.3.1 member header: ID1 ID2 CM FLG MTIME(4) XFL OS, then the optional fields.
const ID1 = 0x1f;
const ID2 = 0x8b;
const CM_DEFLATE = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FLG_RESERVED = 0xe0;
/** MTIME, XFL and OS: read past, nothing in them matters for the data. */
const HEADER_FIXED_REST = 6;
const TRAILER_LENGTH = 8;

/** The compressed input as bytes, pulled chunk by chunk; unconsumed bytes can be put back. */
class CompressedInput {
  private chunk: Buffer = EMPTY;
  private pos = 0;
  private readonly nextChunk: RawChunkReader;

  constructor(nextChunk: RawChunkReader) {
    this.nextChunk = nextChunk;
  }

  private async fill(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      const next = await this.nextChunk();
      if (next === null) return false;
      this.chunk = next;
      this.pos = 0;
    }
    return true;
  }

  /** The next byte, or -1 at the end of the input. */
  async byte(): Promise<number> {
    return (await this.fill()) ? this.chunk[this.pos++] : -1;
  }

  /** Skips `count` bytes; false when the input ends first. */
  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (!(await this.fill())) return false;
      const n = Math.min(left, this.chunk.length - this.pos);
      this.pos += n;
      left -= n;
    }
    return true;
  }

  /** Everything buffered (or the next chunk): for the inflater. null at the end of the input. */
  async take(): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    const out = this.pos === 0 ? this.chunk : this.chunk.subarray(this.pos);
    this.chunk = EMPTY;
    this.pos = 0;
    return out;
  }

  /** Gives back bytes that `take` handed out but the inflater did not consume. */
  putBack(bytes: Buffer): void {
    this.chunk = this.pos < this.chunk.length ? Buffer.concat([bytes, this.chunk.subarray(this.pos)]) : bytes;
    this.pos = 0;
  }
}

/** An error as zlib words them, so messages read the same as with Node's own Gunzip. */
function gzipError(message: string): Error {
  return Object.assign(new Error(message), { code: 'Z_DATA_ERROR' });
}

/** Reads one member header (RFC 1952 §2.3); the ID bytes are already checked by the caller. */
async function readHeaderAfterId(input: CompressedInput): Promise<void> {
  const cut = () => gzipError('unexpected end of file');
  const method = await input.byte();
  if (method < 0) throw cut();
  if (method !== CM_DEFLATE) throw gzipError('unknown compression method');
  const flags = await input.byte();
  if (flags < 0) throw cut();
  if ((flags & FLG_RESERVED) !== 0) throw gzipError('unknown header flags set');
  if (!(await input.skip(HEADER_FIXED_REST))) throw cut();
  if ((flags & FEXTRA) !== 0) {
    const low = await input.byte();
    const high = await input.byte();
    if (high < 0 || !(await input.skip(low | (high << 8)))) throw cut();
  }
  for (const field of [FNAME, FCOMMENT]) {
    if ((flags & field) === 0) continue;
    // Zero-terminated Latin-1 text of any length: skipped byte by byte, never accumulated.
    for (;;) {
      const b = await input.byte();
      if (b < 0) throw cut();
      if (b === 0) break;
    }
  }
  if ((flags & FHCRC) !== 0 && !(await input.skip(2))) throw cut();
}

/** Running CRC-32 and length of one member's output, checked against its trailer. */
interface MemberCheck {
  crc: number;
  size: number;
}

/**
 * Inflates one member's deflate data, yielding its output; afterwards the input stands right
 * after the deflate data (on the trailer).
 */
async function* inflateMember(
  input: CompressedInput,
  check: MemberCheck,
  chunkSize: number,
): AsyncGenerator<Buffer> {
  const inflater = zlib.createInflateRaw({ chunkSize });
  // Chunks written and not yet known to be consumed: the unconsumed tail goes back to `input`.
  const pending: Buffer[] = [];
  let pendingBase = 0;
  let written = 0;
  let stopped = false;
  const closed = new Promise<void>((resolve) => inflater.once('close', () => resolve()));
  const feeding = (async () => {
    try {
      while (!stopped) {
        const chunk = await input.take();
        if (stopped) return;
        if (chunk === null) {
          // End of input inside the deflate data: the inflater says "unexpected end of file".
          inflater.end();
          return;
        }
        pending.push(chunk);
        written += chunk.length;
        await Promise.race([new Promise<void>((resolve) => inflater.write(chunk, () => resolve())), closed]);
        while (pending.length > 0 && pendingBase + pending[0].length <= inflater.bytesWritten) {
          pendingBase += (pending.shift() as Buffer).length;
        }
        // The engine stopped short of the chunk's end: the deflate data ended inside it.
        if (inflater.bytesWritten < written || inflater.destroyed) return;
      }
    } catch (error) {
      // The raw input failed: the reader must see this error, not a decompression error.
      inflater.destroy(error as Error);
    }
  })();
  try {
    for await (const out of inflater as AsyncIterable<Buffer>) {
      check.crc = zlib.crc32(out, check.crc);
      check.size += out.length;
      yield out;
    }
  } finally {
    stopped = true;
    inflater.destroy();
  }
  await feeding;
  const consumed = inflater.bytesWritten;
  const rest = pending.length === 0 ? EMPTY : Buffer.concat(pending).subarray(consumed - pendingBase);
  if (rest.length > 0) input.putBack(rest);
}

async function readTrailer(input: CompressedInput, check: MemberCheck): Promise<void> {
  const t = Buffer.allocUnsafe(TRAILER_LENGTH);
  for (let i = 0; i < TRAILER_LENGTH; i++) {
    const b = await input.byte();
    if (b < 0) throw gzipError('unexpected end of file');
    t[i] = b;
  }
  // RFC 1952 §2.3.1: CRC32 of the uncompressed data, then ISIZE = its length modulo 2^32.
  if (t.readUInt32LE(0) !== check.crc >>> 0) throw gzipError('incorrect data check');
  if (t.readUInt32LE(4) !== check.size % 4294967296) throw gzipError('incorrect length check');
}

/**
 * The decompressed bytes of a gzip stream: every member in turn (RFC 1952 §2.2, as `zcat`
 * concatenates them). Bytes after a member that do not start another one are ignored, as gzip
 * does ("trailing garbage ignored"): tape padding, for one. Errors are thrown only after every
 * byte inflated before them has been yielded.
 */
export async function* gunzip(nextChunk: RawChunkReader, chunkSize: number): AsyncGenerator<Buffer> {
  const input = new CompressedInput(nextChunk);
  for (let member = 0; ; member++) {
    const id1 = await input.byte();
    if (id1 < 0) {
      if (member === 0) throw gzipError('unexpected end of file');
      return;
    }
    const id2 = id1 === ID1 ? await input.byte() : -1;
    if (id1 !== ID1 || id2 !== ID2) {
      if (member === 0) throw gzipError('incorrect header check');
      return;
    }
    await readHeaderAfterId(input);
    const check: MemberCheck = { crc: 0, size: 0 };
    yield* inflateMember(input, check, chunkSize);
    await readTrailer(input, check);
  }
}
