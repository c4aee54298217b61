/**
 * SMTP (RFC 5321) and its submission/LMTP variants: client commands, server replies, and the end
 * of a message body.
 *
 * - Commands are shown as sent, with the SASL initial response of AUTH masked (RFC 4954 §4);
 *   a client line that is only base64 is a SASL response and is masked whole.
 * - A client payload that ends with the end-of-data marker "<CRLF>.<CRLF>" (RFC 5321 §4.1.1.4)
 *   and is not a run of commands is the end of a DATA body: "SMTP end-of-DATA (N bytes)" — the
 *   request whose answer decides whether the message was accepted. Commands pipelined after
 *   the marker (RFC 2920: "QUIT") are counted as "+N more".
 * - Other client payloads on an SMTP port are message data ("SMTP message data (N bytes)").
 * - Replies: the first line of the first reply, or of the first failing one when several are
 *   pipelined into one payload.
 */

import {
  afterWords,
  countCommandLines,
  lineStop,
  lineText,
  moreSuffix,
  replyText,
  scanReplies,
} from './command-line.ts';
import { isBase64Line, leadingVerb } from './lines.ts';
import { type AppSummary, summary } from './summary.ts';

export const SMTP_PORTS = new Set([25, 465, 587, 2525, 24]);

export const SMTP_VERBS = new Set([
  'HELO',
  'EHLO',
  'LHLO', // LMTP, RFC 2033
  'MAIL',
  'RCPT',
  'DATA',
  'BDAT', // RFC 3030
  'RSET',
  'VRFY',
  'EXPN',
  'HELP',
  'NOOP',
  'QUIT',
  'STARTTLS', // RFC 3207
  'AUTH', // RFC 4954
  'TURN',
  'ETRN', // RFC 1985
  'ATRN', // RFC 2645
  'XCLIENT',
  'XFORWARD',
]);

/** Verbs only SMTP uses, enough to recognise SMTP on an unusual port. */
export const SMTP_ONLY_VERBS = new Set([
  'HELO',
  'EHLO',
  'LHLO',
  'MAIL',
  'RCPT',
  'BDAT',
  'STARTTLS',
  'XCLIENT',
]);

/** Only a command line can be this long (RFC 5321 §4.5.3.1.4: 512 octets with CRLF). */
const MAX_COMMAND_LINE = 512;
/** How far from the end the end-of-data marker is looked for (only pipelined commands follow it). */
const MARKER_SEARCH = 1024;

function isCommandLine(d: Uint8Array, i: number, end: number): boolean {
  const verb = leadingVerb(d, i, end);
  return verb !== null && SMTP_VERBS.has(verb) && lineStop(d, i, end) - i <= MAX_COMMAND_LINE;
}

export function summarizeSmtp(
  d: Uint8Array,
  start: number,
  end: number,
  fromClient: boolean,
): AppSummary | null {
  const reply = scanReplies(d, start, end);
  if (reply) return summary('smtp', 'response', replyText('SMTP ', d, reply), reply.code >= 400, reply.code);
  if (!fromClient) return null;

  const verb = leadingVerb(d, start, end);
  if (verb !== null && SMTP_VERBS.has(verb) && isCommandLine(d, start, end)) {
    // BDAT carries its chunk right after the command line: nothing after it is a command.
    const pipelined =
      verb === 'BDAT' ? { more: 0, allCommands: true } : countCommandLines(d, start, end, isCommandLine);
    if (pipelined.allCommands || !endsWithMarker(d, start, end))
      return command(d, start, end, verb, pipelined.more);
  }
  const marker = findEndOfData(d, start, end);
  if (marker >= 0) {
    const after = countCommandLines(d, marker - 1, end, isCommandLine);
    const text = `SMTP end-of-DATA (${end - start} bytes)${moreSuffix(after.more)}`;
    return summary('smtp', 'request', text, false, undefined, 'DATA-END');
  }
  if (isBase64Line(d, start, end))
    return summary('smtp', 'request', 'SMTP AUTH response ****', false, undefined, 'AUTH-DATA');
  return summary(
    'smtp',
    'request',
    `SMTP message data (${end - start} bytes)`,
    false,
    undefined,
    'DATA-BODY',
  );
}

function command(d: Uint8Array, start: number, end: number, verb: string, more: number): AppSummary {
  const stop = lineStop(d, start, end);
  // "AUTH mechanism [initial-response]": the response carries the credentials.
  const maskFrom = verb === 'AUTH' ? afterWords(d, start, stop, 2) : -1;
  const text = lineText('SMTP ', d, start, stop, maskFrom, moreSuffix(more));
  return summary('smtp', 'request', text, false, undefined, verb);
}

function endsWithMarker(d: Uint8Array, start: number, end: number): boolean {
  return findEndOfData(d, start, end) >= 0;
}

/**
 * Index of the line after the end-of-data marker when the payload holds one followed only by
 * command lines (or nothing); -1 otherwise. A payload that is just ".\r\n" is the marker whose
 * CRLF ended the previous segment.
 */
function findEndOfData(d: Uint8Array, start: number, end: number): number {
  if (end - start === 3 && d[start] === 0x2e && d[start + 1] === 0x0d && d[start + 2] === 0x0a) return end;
  const from = Math.max(start, end - MARKER_SEARCH);
  for (let i = end - 5; i >= from; i--) {
    if (d[i] !== 0x0d || d[i + 1] !== 0x0a || d[i + 2] !== 0x2e || d[i + 3] !== 0x0d || d[i + 4] !== 0x0a)
      continue;
    const after = i + 5;
    if (after === end || countCommandLines(d, after - 1, end, isCommandLine).allCommands) return after;
    // The marker is followed by something else: it was a dot-stuffed-looking line inside data.
    return -1;
  }
  if (end - start >= 3 && d[start] === 0x2e && d[start + 1] === 0x0d && d[start + 2] === 0x0a) {
    // ".\r\n" at the very start followed by pipelined commands.
    if (countCommandLines(d, start, end, isCommandLine).allCommands) return start + 3;
  }
  return -1;
}
