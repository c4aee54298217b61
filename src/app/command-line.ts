/**
 * Shared pieces of the text protocols: one command line turned into a summary text (with the
 * credential part masked), and the numbered replies of SMTP and FTP (RFC 5321 §4.2, RFC 959
 * §4.2), which share the "ddd-" multi-line form.
 */

import { isDigit } from './bytes.ts';
import { contentEnd, lineFeed, nextLine, skipSpaces } from './lines.ts';
import { sanitizeBytes } from './sanitize.ts';
import { MAX_TEXT } from './summary.ts';

/** What replaces a password or SASL response: fixed, so not even its length leaks. */
export const MASK = '****';

/** The line starting at `start`: [start, stop) without CR LF. */
export function lineStop(d: Uint8Array, start: number, end: number): number {
  return contentEnd(d, start, lineFeed(d, start, end));
}

/** Index just after the `words`-th space-separated word of d[i, stop). */
export function afterWords(d: Uint8Array, i: number, stop: number, words: number): number {
  for (let w = 0; w < words && i < stop; w++) {
    i = skipSpaces(d, i, stop);
    while (i < stop && d[i] !== 0x20) i++;
  }
  return i;
}

/**
 * `prefix` + the sanitised line d[start, stop) + `suffix`, within MAX_TEXT. When `maskFrom` is
 * inside the line and something other than spaces follows it, the rest is shown as "****".
 */
export function lineText(
  prefix: string,
  d: Uint8Array,
  start: number,
  stop: number,
  maskFrom = -1,
  suffix = '',
): string {
  let visibleEnd = stop;
  let masked = false;
  if (maskFrom >= start && maskFrom < stop && skipSpaces(d, maskFrom, stop) < stop) {
    visibleEnd = maskFrom;
    masked = true;
  }
  while (visibleEnd > start && d[visibleEnd - 1] === 0x20) visibleEnd--;
  const tail = (masked ? ` ${MASK}` : '') + suffix;
  const shown = sanitizeBytes(d, start, visibleEnd, Math.max(1, MAX_TEXT - prefix.length - tail.length));
  return `${prefix}${shown}${tail}`;
}

export function moreSuffix(more: number): string {
  return more > 0 ? ` +${more} more` : '';
}

/** The reply code of a line "ddd", "ddd text" or "ddd-text", or -1. */
export function replyCode(d: Uint8Array, i: number, end: number): number {
  if (i + 3 > end || !isDigit(d[i]) || !isDigit(d[i + 1]) || !isDigit(d[i + 2])) return -1;
  // The first digit is 1–5 in both SMTP and FTP.
  if (d[i] < 0x31 || d[i] > 0x35) return -1;
  const sep = i + 3 < end ? d[i + 3] : 0x0a;
  if (sep !== 0x20 && sep !== 0x2d && sep !== 0x0d && sep !== 0x0a) return -1;
  return (d[i] - 0x30) * 100 + (d[i + 1] - 0x30) * 10 + (d[i + 2] - 0x30);
}

export interface Reply {
  code: number;
  /** Where the reply's first line starts and its content ends. */
  start: number;
  stop: number;
  /** Further replies in the same payload (pipelined answers). */
  more: number;
}

/** Lines looked at in one payload. */
const MAX_LINES = 256;

/**
 * The replies at d[start, end): the first one, or the first failing one (4xx/5xx) when an
 * earlier one succeeded — with pipelining (RFC 2920) one payload answers several commands and
 * the failure is what matters. Null when the payload does not start with a reply.
 */
export function scanReplies(d: Uint8Array, start: number, end: number): Reply | null {
  let chosen: Reply | null = null;
  let count = 0;
  let i = start;
  for (let lines = 0; i < end && lines < MAX_LINES; lines++) {
    const code = replyCode(d, i, end);
    if (code < 0) {
      if (count === 0) return null;
      i = nextLine(d, i, end); // stray text between replies
      continue;
    }
    count++;
    if (chosen === null || (chosen.code < 400 && code >= 400)) {
      chosen = { code, start: i, stop: contentEnd(d, i, lineFeed(d, i, end)), more: 0 };
    }
    const multiLine = i + 3 < end && d[i + 3] === 0x2d;
    i = nextLine(d, i, end);
    if (multiLine) {
      // Continues up to a line with the same code and a space (RFC 959 §4.2; SMTP lines all
      // carry "ddd-" until the last, RFC 5321 §4.2.1).
      while (i < end && lines < MAX_LINES) {
        lines++;
        const last = replyCode(d, i, end) === code && !(i + 3 < end && d[i + 3] === 0x2d);
        i = nextLine(d, i, end);
        if (last) break;
      }
    }
  }
  if (chosen) chosen.more = count - 1;
  return chosen;
}

/** "521 5.2.1 text" for the reply line at [start, stop) (the "-" of a multi-line reply shown as a space). */
export function replyText(prefix: string, d: Uint8Array, reply: Reply): string {
  const codeText = `${reply.code}`;
  const restStart = skipSpaces(d, Math.min(reply.start + 4, reply.stop), reply.stop);
  const suffix = moreSuffix(reply.more);
  const head = `${prefix}${codeText}`;
  if (restStart >= reply.stop) return `${head}${suffix}`;
  return lineText(`${head} `, d, restStart, reply.stop, -1, suffix);
}

/** Non-empty lines after the first one whose leading word is in `verbs` (pipelined commands). */
export function countCommandLines(
  d: Uint8Array,
  start: number,
  end: number,
  isCommand: (d: Uint8Array, i: number, end: number) => boolean,
): { more: number; allCommands: boolean } {
  let i = nextLine(d, start, end);
  let more = 0;
  let allCommands = true;
  for (let lines = 0; i < end && lines < MAX_LINES; lines++) {
    const stop = lineStop(d, i, end);
    if (stop > i) {
      if (isCommand(d, i, end)) more++;
      else allCommands = false;
    }
    i = nextLine(d, i, end);
  }
  if (i < end) allCommands = false;
  return { more, allCommands };
}
