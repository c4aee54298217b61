/**
 * Helpers for the line-oriented protocols (HTTP/1.x start lines, SMTP, FTP, POP3, IMAP): all
 * end lines with CRLF (RFC 5321 §2.3.8, RFC 959 §4.1, RFC 1939 §3, RFC 9051 §2.2, RFC 9112
 * §2.2), and all tolerate a bare LF in practice, so both are accepted.
 */

import { isAlpha } from './bytes.ts';

/** Index of the LF ending the line that starts at `start`, or `end` when the payload stops first. */
export function lineFeed(d: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if (d[i] === 0x0a) return i;
  return end;
}

/** End of the line's content: before the CR of a CRLF. */
export function contentEnd(d: Uint8Array, start: number, lf: number): number {
  return lf > start && d[lf - 1] === 0x0d ? lf - 1 : lf;
}

/** Start of the next line after the one starting at `start` (end when there is none). */
export function nextLine(d: Uint8Array, start: number, end: number): number {
  const lf = lineFeed(d, start, end);
  return lf < end ? lf + 1 : end;
}

/**
 * The leading ASCII-letter word at d[start…] in upper case, when followed by a space, CR, LF or
 * the end of the payload; null otherwise. `maxLength` keeps a long binary run from being read.
 */
export function leadingVerb(d: Uint8Array, start: number, end: number, maxLength = 12): string | null {
  let i = start;
  let verb = '';
  while (i < end && i - start < maxLength && isAlpha(d[i])) {
    verb += String.fromCharCode(d[i] & 0xdf);
    i++;
  }
  if (verb === '') return null;
  if (i < end && d[i] !== 0x20 && d[i] !== 0x0d && d[i] !== 0x0a) return null;
  return verb;
}

/** Index after the run of spaces at d[i…]. */
export function skipSpaces(d: Uint8Array, i: number, end: number): number {
  while (i < end && d[i] === 0x20) i++;
  return i;
}

/** Index of the next space at or after i (or `end`). */
export function nextSpace(d: Uint8Array, i: number, end: number): number {
  while (i < end && d[i] !== 0x20) i++;
  return i;
}

/** Longest SASL response line accepted (RFC 4954 §4 lets servers limit it to 12288 octets). */
const MAX_SASL_LINE = 12288;

/**
 * d[start, end) is exactly one complete line of base64 (a SASL response, RFC 4954 §4) or "*"
 * (cancel). A segment cut from the middle of a long base64 body line has no line end, so it
 * does not qualify.
 */
export function isBase64Line(d: Uint8Array, start: number, end: number): boolean {
  const lf = lineFeed(d, start, end);
  if (lf !== end - 1 || lf - start > MAX_SASL_LINE) return false;
  const stop = contentEnd(d, start, lf);
  if (stop - start < 4) return stop - start === 1 && d[start] === 0x2a;
  for (let i = start; i < stop; i++) {
    const b = d[i];
    const ok = isAlpha(b) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f || b === 0x3d;
    if (!ok) return false;
  }
  return true;
}
