/**
 * Bounds-checked byte access for parsers of untrusted payloads. Every reader takes the end of the
 * readable region and returns -1 when the field does not fit, so a parser written with them
 * cannot read past the captured bytes (a typed array would silently give `undefined` → NaN).
 */

export function u8(d: Uint8Array, i: number, end: number): number {
  return i >= 0 && i < end ? d[i] : -1;
}

export function u16le(d: Uint8Array, i: number, end: number): number {
  return i >= 0 && i + 2 <= end ? d[i] | (d[i + 1] << 8) : -1;
}

export function u16be(d: Uint8Array, i: number, end: number): number {
  return i >= 0 && i + 2 <= end ? (d[i] << 8) | d[i + 1] : -1;
}

export function u24be(d: Uint8Array, i: number, end: number): number {
  return i >= 0 && i + 3 <= end ? (d[i] << 16) | (d[i + 1] << 8) | d[i + 2] : -1;
}

export function u32le(d: Uint8Array, i: number, end: number): number {
  return i >= 0 && i + 4 <= end ? (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0 : -1;
}

/** Unsigned 64-bit little-endian as a float64 (exact below 2^53, which file offsets are). */
export function u64le(d: Uint8Array, i: number, end: number): number {
  if (i < 0 || i + 8 > end) return -1;
  return u32le(d, i, end) + u32le(d, i + 4, end) * 0x100000000;
}

/** The ASCII string `s` (upper case letters match either case) appears at d[i…]. */
export function matchAsciiNoCase(d: Uint8Array, i: number, end: number, s: string): boolean {
  if (i < 0 || i + s.length > end) return false;
  for (let k = 0; k < s.length; k++) {
    let b = d[i + k];
    if (b >= 0x61 && b <= 0x7a) b -= 0x20;
    if (b !== s.charCodeAt(k)) return false;
  }
  return true;
}

/** The ASCII string `s` appears at d[i…], exact case. */
export function matchAscii(d: Uint8Array, i: number, end: number, s: string): boolean {
  if (i < 0 || i + s.length > end) return false;
  for (let k = 0; k < s.length; k++) if (d[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** First index of the byte sequence `needle` in d[from, to), or -1. */
export function indexOfBytes(d: Uint8Array, from: number, to: number, needle: readonly number[]): number {
  const last = to - needle.length;
  const first = needle[0];
  outer: for (let i = Math.max(0, from); i <= last; i++) {
    if (d[i] !== first) continue;
    for (let k = 1; k < needle.length; k++) if (d[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

export function isAlpha(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

export function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
