/**
 * Turns attacker-controlled bytes into one line that is safe to print on a terminal.
 *
 * A capture is hostile input (PRODUCT.md §9): an HTTP request line, an SNI or an SMB path can hold
 * ESC sequences that rewrite the screen (ECMA-48 CSI/OSC, including OSC 8 hyperlinks and OSC 52
 * clipboard writes), C1 controls that some terminals treat as CSI (0x9B), and Unicode bidi
 * overrides that make a line read differently from what it holds ("Trojan Source",
 * CVE-2021-42574). So every code point that is a control (Cc), a format character (Cf: bidi
 * embeddings/overrides/isolates, LRM/RLM, zero-width joiners, BOM, tag characters…), a line or
 * paragraph separator (Zl, Zp), a surrogate or a noncharacter is replaced by a visible escape:
 * `\x1b` for C0 controls and DEL, `\u0085` for C1 controls, `\u202e` for format characters,
 * `\u{e0041}` above the BMP. Bytes that are not valid UTF-8 (RFC 3629 §3, including overlong
 * forms and encoded surrogates) become `\xNN`, so nothing is lost and nothing is guessed.
 *
 * Backslashes are kept as they are: Windows paths (`\\server\share`) must stay readable, and an
 * escape that was already text in the payload is harmless to a terminal.
 */

import { MAX_TEXT } from './summary.ts';

const ELLIPSIS = '…';
const HEX = '0123456789abcdef';

/**
 * Code points that need an escape besides C0/DEL (handled by arithmetic on the ASCII path):
 * C1 controls, format characters, line/paragraph separators, surrogates, private use is allowed.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/u;

function escapeByte(b: number): string {
  return `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x80) return escapeByte(cp);
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/** The printable form of one decoded code point (≥ 0x80). */
function showNonAscii(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return UNSAFE.test(ch) ? escapeCodePoint(cp) : ch;
}

/**
 * Accumulates pieces of output up to a length limit, ending with "…" when input remains.
 * `add` returns false once the output is full.
 */
class Bounded {
  out = '';
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  /** `more` says whether input remains after this piece. */
  add(piece: string, more: boolean): boolean {
    const room = this.max - this.out.length;
    if (piece.length <= room - 1 || (!more && piece.length <= room)) {
      this.out += piece;
      return true;
    }
    // The piece does not fit with room for the ellipsis: stop here.
    this.out += this.max >= 1 ? ELLIPSIS : '';
    return false;
  }
}

/** Length of a valid UTF-8 sequence starting at d[i] (2–4), or 0 when the lead byte starts none. */
function utf8SequenceLength(d: Uint8Array, i: number, end: number): number {
  const b0 = d[i];
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 === 0xe0)
      lo = 0xa0; // overlong
    else if (b0 === 0xed) hi = 0x9f; // UTF-16 surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 === 0xf0)
      lo = 0x90; // overlong
    else if (b0 === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return 0;
  if (i + n > end) return 0;
  const b1 = d[i + 1];
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < n; k++) {
    const b = d[i + k];
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

/** Sanitises d[start, end) decoded as lenient UTF-8; never reads outside the array. */
export function sanitizeBytes(d: Uint8Array, start: number, end: number, maxLength = MAX_TEXT): string {
  if (start < 0) start = 0;
  if (end > d.length) end = d.length;
  const acc = new Bounded(maxLength);
  let i = start;
  while (i < end) {
    // Fast path: a run of printable ASCII is appended as one piece.
    let j = i;
    while (j < end && d[j] >= 0x20 && d[j] < 0x7f) j++;
    if (j > i) {
      const room = acc.max - acc.out.length;
      const len = j - i;
      if (len <= room - 1 || (j >= end && len <= room)) {
        acc.out += latin1(d, i, j);
        i = j;
        continue;
      }
      // The run does not fit with room for the ellipsis: keep what fits and stop.
      acc.out += latin1(d, i, i + Math.max(0, room - 1)) + (acc.max >= 1 ? ELLIPSIS : '');
      return acc.out;
    }
    const b = d[i];
    let piece: string;
    let n = 1;
    if (b < 0x80) piece = escapeByte(b);
    else {
      n = utf8SequenceLength(d, i, end);
      if (n === 0) {
        piece = escapeByte(b);
        n = 1;
      } else {
        let cp: number;
        if (n === 2) cp = ((b & 0x1f) << 6) | (d[i + 1] & 0x3f);
        else if (n === 3) cp = ((b & 0x0f) << 12) | ((d[i + 1] & 0x3f) << 6) | (d[i + 2] & 0x3f);
        else
          cp = ((b & 0x07) << 18) | ((d[i + 1] & 0x3f) << 12) | ((d[i + 2] & 0x3f) << 6) | (d[i + 3] & 0x3f);
        piece = showNonAscii(cp);
      }
    }
    if (!acc.add(piece, i + n < end)) return acc.out;
    i += n;
  }
  return acc.out;
}

function latin1(d: Uint8Array, from: number, to: number): string {
  // Only called on printable ASCII runs, so latin1 and UTF-8 agree.
  let s = '';
  for (let k = from; k < to; k += 4096) {
    s += String.fromCharCode.apply(null, d.subarray(k, Math.min(to, k + 4096)) as unknown as number[]);
  }
  return s;
}

/**
 * Sanitises d[start, end) decoded as UTF-16LE (SMB2 paths, NTLMSSP names: MS-SMB2 §2.2.9,
 * MS-NLMP §2.2.2.5 NTLMSSP_NEGOTIATE_UNICODE). Unpaired surrogates and an odd trailing byte are
 * escaped, not dropped.
 */
export function sanitizeUtf16le(d: Uint8Array, start: number, end: number, maxLength = MAX_TEXT): string {
  if (start < 0) start = 0;
  if (end > d.length) end = d.length;
  const acc = new Bounded(maxLength);
  let i = start;
  while (i + 1 < end) {
    const u = d[i] | (d[i + 1] << 8);
    let piece: string;
    let n = 2;
    if (u >= 0x20 && u < 0x7f) piece = String.fromCharCode(u);
    else if (u < 0x80) piece = escapeByte(u);
    else if (u >= 0xd800 && u <= 0xdbff && i + 3 < end) {
      const lo = d[i + 2] | (d[i + 3] << 8);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        piece = showNonAscii(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
        n = 4;
      } else piece = escapeCodePoint(u);
    } else piece = showNonAscii(u); // lone surrogates are Cs: escaped
    if (!acc.add(piece, i + n < end)) return acc.out;
    i += n;
  }
  if (i < end) acc.add(escapeByte(d[i]), false);
  return acc.out;
}

function sanitizeString(s: string, maxLength: number): string {
  const acc = new Bounded(maxLength);
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) as number;
    const n = cp > 0xffff ? 2 : 1;
    let piece: string;
    if (cp >= 0x20 && cp < 0x7f) piece = s[i];
    else if (cp < 0x80) piece = escapeByte(cp);
    else piece = showNonAscii(cp); // lone surrogates come back from codePointAt as themselves: Cs
    if (!acc.add(piece, i + n < s.length)) return acc.out;
    i += n;
  }
  return acc.out;
}

/**
 * One terminal-safe line from untrusted bytes (lenient UTF-8) or a string: controls, DEL, C1,
 * bidi and other format characters become visible escapes, and the result is at most
 * `maxLength` characters, ending with "…" when it was cut.
 */
export function sanitizeText(bytes: Uint8Array | string, maxLength = MAX_TEXT): string {
  const max = Math.max(0, Math.floor(maxLength));
  if (typeof bytes === 'string') return sanitizeString(bytes, max);
  return sanitizeBytes(bytes, 0, bytes.length, max);
}

/**
 * Cuts an already sanitised string to `max` characters without splitting a surrogate pair,
 * ending with "…" when it was cut.
 */
export function clampText(s: string, max = MAX_TEXT): string {
  if (s.length <= max) return s;
  let cut = Math.max(0, max - 1);
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return s.slice(0, cut) + ELLIPSIS;
}
