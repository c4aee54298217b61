/**
 * Storage for the packet logs: fixed-size blocks of 32-bit words carved out of large shared
 * chunks and recycled. A log keeps a reference to its block's chunk and an offset, so taking a
 * block allocates nothing — no typed array or ArrayBuffer per log.
 *
 * Blocks are given back when their connection leaves the flow table (Tracker.end) and handed out
 * again to new connections, so the chunks follow the number of live connections, not the file
 * size, and are touched once: on this kind of machine a page of fresh memory costs a page fault
 * (~10 µs in a VM), and a 16 KiB chunk per few connections that only the garbage collector could
 * give back made those faults and the collections most of the tracker's time.
 *
 * A block may be shown by several logs at once (a reset's snapshot shares its connection's log,
 * copy-on-write): a reference count says when it is free. Chunks are never returned to the
 * system; the pool stays at its peak size.
 */
const CHUNK_WORDS = 1 << 18; // 1 MiB

const EMPTY = new Uint32Array(0);

export class WordBlocks {
  /** Words per block. */
  readonly words: number;
  private readonly perChunk: number;
  private readonly chunks: Uint32Array[] = [];
  /** Reference count per block id (block id = chunk index × perChunk + index in chunk). */
  private refs = new Uint16Array(1024);
  private readonly free: number[] = [];
  /** Blocks carved so far. */
  private carved = 0;
  /** After acquire(): the block's chunk and its first word there. */
  chunk: Uint32Array = EMPTY;
  offset = 0;

  constructor(words: number) {
    this.words = words;
    this.perChunk = Math.floor(CHUNK_WORDS / words);
  }

  /** A block with one reference; its place is left in `chunk` and `offset`. Returns its id. */
  acquire(): number {
    let id: number;
    if (this.free.length > 0) id = this.free.pop()!;
    else {
      id = this.carved++;
      if (id >= this.chunks.length * this.perChunk) this.chunks.push(newChunk(this.perChunk * this.words));
      if (id >= this.refs.length) {
        const grown = new Uint16Array(this.refs.length * 2);
        grown.set(this.refs);
        this.refs = grown;
      }
    }
    this.refs[id] = 1;
    this.place(id);
    return id;
  }

  /** One more log shows this block. */
  share(id: number): void {
    this.refs[id]++;
  }

  /** One log stopped showing this block; the last one frees it. */
  release(id: number): void {
    if (--this.refs[id] === 0) this.free.push(id);
  }

  /** Leaves the block's chunk and offset in `chunk` and `offset`. */
  place(id: number): void {
    const perChunk = this.perChunk;
    const c = Math.floor(id / perChunk);
    this.chunk = this.chunks[c];
    this.offset = (id - c * perChunk) * this.words;
  }

  /** Blocks in use (for tests and memory accounting). */
  get inUse(): number {
    return this.carved - this.free.length;
  }
}

/** A new chunk, not zero-filled (a log reads only words it wrote). */
function newChunk(words: number): Uint32Array {
  const bytes = Buffer.allocUnsafeSlow(words * 4);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, words);
}
