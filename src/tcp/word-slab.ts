/**
 * Storage for the packet logs: 32-bit words carved out of shared 16 KiB chunks. A log keeps a
 * reference to its chunk and an offset, so carving allocates nothing at all — no typed-array
 * object per log (creating a typed array over an ArrayBuffer, as Buffer.allocUnsafe plus a
 * Uint32Array view did, was a visible share of connection setup), no ArrayBuffer per log.
 *
 * Space is never handed out twice; a chunk is garbage-collected once no log refers to it, so a
 * long-lived log keeps at most one chunk alive (bounded per live connection).
 */
const CHUNK_WORDS = 4096;

/** A new chunk, not zero-filled (zeroing 16 KiB cost more than the carving it serves; a log
 *  reads only words it wrote). */
function newChunk(): Uint32Array {
  const bytes = Buffer.allocUnsafeSlow(CHUNK_WORDS * 4);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, CHUNK_WORDS);
}

export const slab = { chunk: newChunk(), used: 0 };

/** Reserves `words` (≤ CHUNK_WORDS) in the current chunk: returns the offset in slab.chunk. */
export function reserveWords(words: number): number {
  if (slab.used + words > CHUNK_WORDS) {
    slab.chunk = newChunk();
    slab.used = 0;
  }
  const at = slab.used;
  slab.used += words;
  return at;
}
