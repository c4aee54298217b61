/**
 * POP3 (RFC 1939; CAPA/extensions RFC 2449, STLS RFC 2595, AUTH RFC 5034). Server status
 * indicators are "+OK" and "-ERR"; "+ " is a SASL challenge. The secret arguments are masked:
 * PASS, the digest of APOP, the initial response of AUTH, and a client line that is only base64
 * (a SASL response).
 */

import { matchAscii } from './bytes.ts';
import { afterWords, countCommandLines, lineStop, lineText, moreSuffix } from './command-line.ts';
import { isBase64Line, leadingVerb } from './lines.ts';
import { type AppSummary, summary } from './summary.ts';

export const POP3_PORTS = new Set([110]);

export const POP3_VERBS = new Set([
  'USER',
  'PASS',
  'APOP',
  'STAT',
  'LIST',
  'RETR',
  'DELE',
  'NOOP',
  'RSET',
  'QUIT',
  'TOP',
  'UIDL',
  'CAPA',
  'STLS',
  'AUTH',
  'UTF8',
  'LANG',
]);

/** Verbs no other protocol here uses. */
export const POP3_ONLY_VERBS = new Set(['APOP', 'UIDL', 'TOP', 'CAPA', 'STLS']);

function isCommandLine(d: Uint8Array, i: number, end: number): boolean {
  const verb = leadingVerb(d, i, end);
  return verb !== null && POP3_VERBS.has(verb);
}

/** "+OK" / "-ERR" / "+" followed by a space, CR, LF or the end. */
function indicator(d: Uint8Array, start: number, end: number, word: string): boolean {
  if (!matchAscii(d, start, end, word)) return false;
  const next = start + word.length;
  return next >= end || d[next] === 0x20 || d[next] === 0x0d || d[next] === 0x0a;
}

/** The payload starts with a POP3 status indicator (what recognises POP3 on any port). */
export function isPop3Status(d: Uint8Array, start: number, end: number): boolean {
  return indicator(d, start, end, '+OK') || indicator(d, start, end, '-ERR');
}

export function summarizePop3(
  d: Uint8Array,
  start: number,
  end: number,
  fromClient: boolean,
): AppSummary | null {
  const stop = lineStop(d, start, end);
  if (indicator(d, start, end, '+OK'))
    return summary('pop3', 'response', lineText('POP3 ', d, start, stop), false, undefined, '+OK');
  if (indicator(d, start, end, '-ERR'))
    return summary('pop3', 'response', lineText('POP3 ', d, start, stop), true, undefined, '-ERR');
  if (indicator(d, start, end, '+')) {
    // A SASL challenge (RFC 5034 §4): base64 server data, not a secret, but not readable either.
    return summary('pop3', 'response', 'POP3 + (SASL challenge)', false, undefined, '+');
  }
  if (!fromClient) return null;
  const verb = leadingVerb(d, start, end);
  if (verb !== null && POP3_VERBS.has(verb)) {
    const keep = verb === 'PASS' ? 1 : verb === 'APOP' || verb === 'AUTH' ? 2 : -1;
    const maskFrom = keep < 0 ? -1 : afterWords(d, start, stop, keep);
    const { more } = countCommandLines(d, start, end, isCommandLine);
    return summary(
      'pop3',
      'request',
      lineText('POP3 ', d, start, stop, maskFrom, moreSuffix(more)),
      false,
      undefined,
      verb,
    );
  }
  if (isBase64Line(d, start, end))
    return summary('pop3', 'request', 'POP3 AUTH response ****', false, undefined, 'AUTH-DATA');
  return null;
}
