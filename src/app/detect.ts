/**
 * Which application protocol a payload speaks, content first and port as a hint:
 *
 * 1. TLS record headers, SSL 2.0 ClientHellos and SMB protocol ids inside NetBIOS framing are
 *    recognised on any port: their headers are specific enough.
 * 2. HTTP/1.x start lines likewise, except that on a port of another text protocol only a
 *    complete request line with a version counts ("COPY …" can open a mail body).
 * 3. On a well-known port (SMB 139/445, SMTP, FTP 21, POP3 110, IMAP 143) that protocol's
 *    parser gets the payload.
 * 4. Elsewhere, text protocols are recognised by what only they say: an IMAP "* OK" greeting or
 *    "tag COMMAND", an SMTP-only, FTP-only or POP3-only verb, a numbered reply that names SMTP or
 *    FTP. A "+OK"/"-ERR" status is POP3 only in a greeting that names POP3 or on a connection
 *    already recognised as POP3 (`connectionProtocol`): Redis (RESP) answers "+OK" too.
 *
 * This module may throw only through a bug; index.ts guards the public entry point, the tests
 * call this one directly so that such a bug is seen.
 */

import { isAlpha, matchAsciiNoCase } from './bytes.ts';
import { lineStop } from './command-line.ts';
import { FTP_ONLY_VERBS, FTP_PORTS, FTP_VERBS, summarizeFtp } from './ftp.ts';
import { summarizeHttp } from './http.ts';
import { IMAP_PORTS, isImapCommand, isImapGreeting, summarizeImap } from './imap.ts';
import { leadingVerb } from './lines.ts';
import { isSmbPort, startsWithSmbMessage, summarizeNetbios } from './netbios.ts';
import { isPop3Status, POP3_ONLY_VERBS, POP3_PORTS, POP3_VERBS, summarizePop3 } from './pop3.ts';
import { clampText } from './sanitize.ts';
import { SMTP_ONLY_VERBS, SMTP_PORTS, SMTP_VERBS, summarizeSmtp } from './smtp.ts';
import { type AppSummary, MAX_TEXT, type PayloadContext } from './summary.ts';
import { isSsl2ClientHello, isTlsRecord, summarizeSsl2ClientHello, summarizeTls } from './tls.ts';

export function summarizeUnguarded(
  data: Uint8Array,
  offset: number,
  length: number,
  ctx: PayloadContext,
): AppSummary | null {
  const start = Math.max(0, Math.floor(offset) || 0);
  const end = Math.min(data.length, start + Math.max(0, Math.floor(length) || 0));
  if (end <= start) return null;
  const s = detect(data, start, end, ctx);
  if (s !== null && s.text.length > MAX_TEXT) s.text = clampText(s.text, MAX_TEXT);
  return s;
}

function detect(d: Uint8Array, start: number, end: number, ctx: PayloadContext): AppSummary | null {
  const port = ctx.serverPort;
  if (isTlsRecord(d, start, end)) return summarizeTls(d, start, end, ctx.fromClient);
  if (isSsl2ClientHello(d, start, end)) return summarizeSsl2ClientHello(d, start);
  if (startsWithSmbMessage(d, start, end) || isSmbPort(port)) {
    const s = summarizeNetbios(d, start, end, ctx);
    if (s !== null || isSmbPort(port)) return s;
  }
  const textPort =
    SMTP_PORTS.has(port) || FTP_PORTS.has(port) || POP3_PORTS.has(port) || IMAP_PORTS.has(port);
  const http = summarizeHttp(d, start, end, textPort);
  if (http !== null) return http;

  if (SMTP_PORTS.has(port)) return summarizeSmtp(d, start, end, ctx.fromClient);
  if (FTP_PORTS.has(port)) return summarizeFtp(d, start, end, ctx.fromClient);
  if (POP3_PORTS.has(port)) return summarizePop3(d, start, end, ctx.fromClient);
  if (IMAP_PORTS.has(port)) return summarizeImap(d, start, end, ctx.fromClient);
  return guessTextProtocol(d, start, end, ctx.fromClient, ctx.connectionProtocol);
}

/** Text protocols on ports that do not name them: only unambiguous content is taken. */
function guessTextProtocol(
  d: Uint8Array,
  start: number,
  end: number,
  fromClient: boolean,
  connectionProtocol: AppSummary['protocol'] | undefined,
): AppSummary | null {
  if (
    !isAlpha(d[start]) &&
    d[start] !== 0x2a &&
    d[start] !== 0x2b &&
    d[start] !== 0x2d &&
    !(d[start] >= 0x31 && d[start] <= 0x35)
  ) {
    return null; // cheap exit for binary payloads
  }
  if (isPop3Status(d, start, end)) {
    const names = containsWord(d, start, lineStop(d, start, end), 'POP3');
    return names || connectionProtocol === 'pop3' ? summarizePop3(d, start, end, fromClient) : null;
  }
  if (isImapGreeting(d, start, end)) return summarizeImap(d, start, end, false);
  if (fromClient) {
    const verb = leadingVerb(d, start, end);
    // "AUTH LOGIN" is SMTP, not an IMAP LOGIN tagged "AUTH": a tag that is another protocol's
    // verb does not make IMAP.
    const otherVerb = verb !== null && (SMTP_VERBS.has(verb) || FTP_VERBS.has(verb) || POP3_VERBS.has(verb));
    if (!otherVerb && isImapCommand(d, start, end)) return summarizeImap(d, start, end, true);
    if (verb === null) return null;
    if (SMTP_ONLY_VERBS.has(verb)) return summarizeSmtp(d, start, end, true);
    if (FTP_ONLY_VERBS.has(verb)) return summarizeFtp(d, start, end, true);
    if (POP3_ONLY_VERBS.has(verb)) return summarizePop3(d, start, end, true);
    return null;
  }
  // A numbered reply is SMTP or FTP only when its first line says which (a 220 greeting
  // usually does: "220 mx.example.com ESMTP", "220 ProFTPD Server").
  const stop = lineStop(d, start, end);
  if (containsWord(d, start, stop, 'SMTP')) return summarizeSmtp(d, start, end, false);
  if (containsWord(d, start, stop, 'FTP')) return summarizeFtp(d, start, end, false);
  return null;
}

function containsWord(d: Uint8Array, from: number, to: number, word: string): boolean {
  for (let i = from; i + word.length <= to; i++) if (matchAsciiNoCase(d, i, to, word)) return true;
  return false;
}
