/**
 * IMAP4 (RFC 9051, RFC 3501): "tag command arguments" from the client; tagged and untagged
 * ("*") responses and continuation requests ("+") from the server.
 *
 * The password of LOGIN and the initial response of AUTHENTICATE (RFC 4959) are masked, as is
 * a client line that is only base64 (a SASL response, RFC 9051 §6.2.2).
 *
 * A server payload often carries untagged data and then the tagged completion ("* 18 EXISTS …
 * a1 OK SELECT completed"); the completion is what says whether the command worked, so when the
 * payload's last line is a tagged status it is the one summarised.
 */

import { isAlpha, matchAsciiNoCase } from './bytes.ts';
import { afterWords, lineStop, lineText } from './command-line.ts';
import { contentEnd, isBase64Line, leadingVerb, lineFeed, skipSpaces } from './lines.ts';
import { type AppSummary, summary } from './summary.ts';

export const IMAP_PORTS = new Set([143]);

const COMMANDS = new Set([
  'CAPABILITY',
  'NOOP',
  'LOGOUT',
  'STARTTLS',
  'AUTHENTICATE',
  'LOGIN',
  'ENABLE',
  'SELECT',
  'EXAMINE',
  'CREATE',
  'DELETE',
  'RENAME',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'LIST',
  'LSUB',
  'XLIST',
  'NAMESPACE',
  'STATUS',
  'APPEND',
  'IDLE',
  'CHECK',
  'CLOSE',
  'UNSELECT',
  'EXPUNGE',
  'SEARCH',
  'FETCH',
  'STORE',
  'COPY',
  'MOVE',
  'UID',
  'ID',
  'COMPRESS',
  'GETQUOTA',
  'GETQUOTAROOT',
  'SETQUOTA',
  'GETACL',
  'SETACL',
  'MYRIGHTS',
  'LISTRIGHTS',
  'GETMETADATA',
  'SETMETADATA',
  'NOTIFY',
]);

const STATUS = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);

/** tag = 1*<ASTRING-CHAR except "+"> (RFC 9051 §9): printable, not an atom-special. */
function isTagChar(b: number): boolean {
  return (
    b > 0x20 &&
    b < 0x7f &&
    b !== 0x28 && // (
    b !== 0x29 && // )
    b !== 0x7b && // {
    b !== 0x25 && // %
    b !== 0x2a && // *
    b !== 0x22 && // "
    b !== 0x5c && // \
    b !== 0x2b // +
  );
}

/** Index after the tag at d[i…] when a space follows it, else -1. */
function tagEnd(d: Uint8Array, i: number, end: number): number {
  let j = i;
  while (j < end && j - i < 64 && isTagChar(d[j])) j++;
  return j > i && j < end && d[j] === 0x20 ? j : -1;
}

/** The payload starts with "tag COMMAND" for a known IMAP command. */
export function isImapCommand(d: Uint8Array, start: number, end: number): boolean {
  const t = tagEnd(d, start, end);
  if (t < 0) return false;
  const verb = leadingVerb(d, t + 1, end, 16);
  return verb !== null && COMMANDS.has(verb);
}

/** The payload starts with an untagged status greeting ("* OK", "* PREAUTH", "* BYE"). */
export function isImapGreeting(d: Uint8Array, start: number, end: number): boolean {
  if (!(start + 2 < end && d[start] === 0x2a && d[start + 1] === 0x20)) return false;
  const word = leadingVerb(d, start + 2, end, 8);
  return word === 'OK' || word === 'PREAUTH' || word === 'BYE';
}

export function summarizeImap(
  d: Uint8Array,
  start: number,
  end: number,
  fromClient: boolean,
): AppSummary | null {
  if (fromClient) return clientLine(d, start, end);
  return serverLines(d, start, end);
}

function clientLine(d: Uint8Array, start: number, end: number): AppSummary | null {
  const stop = lineStop(d, start, end);
  const t = tagEnd(d, start, end);
  if (t >= 0) {
    const verbStart = t + 1;
    const verb = leadingVerb(d, verbStart, end, 16);
    if (verb !== null && COMMANDS.has(verb)) {
      let operation = verb;
      if (verb === 'UID') {
        const sub = leadingVerb(d, skipSpaces(d, verbStart + 3, stop), end, 16);
        if (sub !== null) operation = `UID ${sub}`;
      }
      let maskFrom = -1;
      if (verb === 'LOGIN') maskFrom = afterUserid(d, skipSpaces(d, verbStart + 5, stop), stop);
      else if (verb === 'AUTHENTICATE') maskFrom = afterWords(d, verbStart, stop, 2);
      return summary(
        'imap',
        'request',
        lineText('IMAP ', d, start, stop, maskFrom),
        false,
        undefined,
        operation,
      );
    }
  }
  // "DONE" ends IDLE (RFC 2177 §3) and carries no tag.
  if (stop - start === 4 && matchAsciiNoCase(d, start, stop, 'DONE')) {
    return summary('imap', 'request', 'IMAP DONE', false, undefined, 'DONE');
  }
  if (isBase64Line(d, start, end))
    return summary('imap', 'request', 'IMAP AUTHENTICATE response ****', false, undefined, 'AUTH-DATA');
  return null;
}

/**
 * Index after the LOGIN userid at d[i…] (an astring: atom, "quoted string" or {literal}); the
 * password that follows is masked. For a literal the userid itself is in the next line, so
 * everything from here is masked.
 */
function afterUserid(d: Uint8Array, i: number, stop: number): number {
  if (i >= stop) return stop;
  if (d[i] === 0x7b) return i; // {n} literal
  if (d[i] === 0x22) {
    for (let j = i + 1; j < stop; j++) {
      if (d[j] === 0x5c) j++;
      else if (d[j] === 0x22) return j + 1;
    }
    return stop;
  }
  while (i < stop && d[i] !== 0x20) i++;
  return i;
}

function serverLines(d: Uint8Array, start: number, end: number): AppSummary | null {
  let line = start;
  // Prefer the last complete line when it is a tagged completion.
  const last = lastLineStart(d, start, end);
  if (last > start && taggedStatus(d, last, end) !== null) line = last;
  const stop = lineStop(d, line, end);
  if (
    d[line] === 0x2b &&
    (line + 1 >= end || d[line + 1] === 0x20 || d[line + 1] === 0x0d || d[line + 1] === 0x0a)
  ) {
    return summary('imap', 'response', lineText('IMAP ', d, line, stop), false, undefined, '+');
  }
  let status: string | null = null;
  if (d[line] === 0x2a && line + 1 < end && d[line + 1] === 0x20) {
    const word = leadingVerb(d, line + 2, end, 8);
    status = word !== null && STATUS.has(word) ? word : null;
    if (
      status === null &&
      !(line + 2 < end && (isAlpha(d[line + 2]) || (d[line + 2] >= 0x30 && d[line + 2] <= 0x39)))
    ) {
      return null;
    }
  } else {
    status = taggedStatus(d, line, end);
    if (status === null) return null; // literal data or something that is not IMAP
  }
  const error = status === 'NO' || status === 'BAD';
  return summary('imap', 'response', lineText('IMAP ', d, line, stop), error, undefined, status ?? undefined);
}

/** "OK"/"NO"/"BAD"/"BYE"/"PREAUTH" when the line at i is "tag STATUS …", else null. */
function taggedStatus(d: Uint8Array, i: number, end: number): string | null {
  const t = tagEnd(d, i, end);
  if (t < 0) return null;
  const word = leadingVerb(d, t + 1, end, 8);
  return word !== null && STATUS.has(word) && word !== 'PREAUTH' ? word : null;
}

/** Start of the payload's last non-empty line. */
function lastLineStart(d: Uint8Array, start: number, end: number): number {
  let stop = end;
  while (stop > start && (d[stop - 1] === 0x0a || d[stop - 1] === 0x0d)) stop--;
  let i = stop;
  while (i > start && d[i - 1] !== 0x0a) i--;
  // Only a line that ended with a line feed is complete.
  return stop < end && contentEnd(d, i, lineFeed(d, i, end)) === stop ? i : start;
}
