/**
 * HTTP/1.x start lines (RFC 9112 §3 request-line, §4 status-line), HTTP/0.9 simple requests,
 * and the HTTP/2 connection preface (RFC 9113 §3.4). Recognised by content on any port.
 */

import { isDigit, matchAscii } from './bytes.ts';
import { contentEnd, lineFeed } from './lines.ts';
import { sanitizeBytes } from './sanitize.ts';
import { type AppSummary, MAX_TEXT, summary } from './summary.ts';

/** Registered methods (IANA HTTP Method Registry) that appear in captures. */
const METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'REPORT',
  'MKCALENDAR',
  'MKACTIVITY',
  'CHECKOUT',
  'MERGE',
  'ACL',
  'BIND',
  'UNBIND',
  'REBIND',
  'LINK',
  'UNLINK',
  'PURGE',
  'M-SEARCH',
  'NOTIFY',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'PRI',
]);

/** Longest method token considered (unregistered methods need an HTTP/1.x version to count). */
const MAX_METHOD = 20;

function nextSpaceIndex(d: Uint8Array, i: number, end: number): number {
  while (i < end && d[i] !== 0x20) i++;
  return i;
}

/** tchar of RFC 9110 §5.6.2, restricted to what methods use: upper-case letters, digits, '-', '_'. */
function isMethodChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || isDigit(b) || b === 0x2d || b === 0x5f;
}

/**
 * The message at d[start, end) starts with an HTTP/1.x request line or status line. `strict`
 * (the port belongs to another text protocol) accepts only complete request lines with a version.
 */
export function summarizeHttp(d: Uint8Array, start: number, end: number, strict: boolean): AppSummary | null {
  if (matchAscii(d, start, end, 'HTTP/')) return statusLine(d, start, end);
  return requestLine(d, start, end, strict);
}

function statusLine(d: Uint8Array, start: number, end: number): AppSummary | null {
  // HTTP-version = "HTTP/" DIGIT "." DIGIT, SP, 3DIGIT status-code (RFC 9112 §4).
  const v = start + 5;
  if (!(v + 3 <= end && isDigit(d[v]) && d[v + 1] === 0x2e && isDigit(d[v + 2]))) return null;
  const c = v + 3;
  if (!(c + 4 <= end && d[c] === 0x20 && isDigit(d[c + 1]) && isDigit(d[c + 2]) && isDigit(d[c + 3])))
    return null;
  const after = c + 4;
  if (after < end && d[after] !== 0x20 && d[after] !== 0x0d && d[after] !== 0x0a) return null;
  const code = (d[c + 1] - 0x30) * 100 + (d[c + 2] - 0x30) * 10 + (d[c + 3] - 0x30);
  const stop = contentEnd(d, start, lineFeed(d, start, end));
  const text = sanitizeBytes(d, start, stop, MAX_TEXT);
  return summary('http', 'response', text, code >= 400, code);
}

function requestLine(d: Uint8Array, start: number, end: number, strict: boolean): AppSummary | null {
  let i = start;
  while (i < end && i - start <= MAX_METHOD && isMethodChar(d[i])) i++;
  if (i === start || i >= end || d[i] !== 0x20 || i - start > MAX_METHOD) return null;
  const method = String.fromCharCode(...d.subarray(start, i));
  const lf = lineFeed(d, start, end);
  const stop = contentEnd(d, start, lf);
  // The version is the last word of the line; the target is everything between (RFC 9112 §3
  // has no spaces in the target, but lenient servers accept them, so do not split on them).
  let versionStart = stop;
  while (versionStart > i + 1 && d[versionStart - 1] !== 0x20) versionStart--;
  const hasVersion = versionStart > i + 1 && matchAscii(d, versionStart, stop, 'HTTP/');
  const lineComplete = lf < end;
  if (lineComplete) {
    // A complete request line ends with "HTTP/d.d" (RFC 9112 §3). The only exception is an
    // HTTP/0.9 simple request, "GET /path" (RFC 1945 §4.1); other versions (RTSP/1.0,
    // SIP/2.0) and versionless lines of other protocols ("CONNECT {json}" in NATS) are not HTTP.
    const http11 = hasVersion && stop - versionStart === 8;
    const simple = method === 'GET' && !strict && !hasVersion && nextSpaceIndex(d, i + 1, stop) === stop;
    if (!http11 && !simple) return null;
  } else if (strict || !METHODS.has(method)) {
    // The line was cut by the end of the segment (a long URL): only a registered method on a
    // port without another text protocol is believed.
    return null;
  }
  if (method === 'PRI' && matchAscii(d, start, end, 'PRI * HTTP/2.0')) {
    return summary('http', 'request', 'HTTP/2 connection preface', false, undefined, 'PRI');
  }
  const targetEnd = hasVersion ? versionStart - 1 : stop;
  const version = hasVersion ? sanitizeBytes(d, versionStart, stop, 16) : '';
  const budget = MAX_TEXT - method.length - 1 - (version ? version.length + 1 : 0);
  const target = sanitizeBytes(d, i + 1, targetEnd, budget);
  const text = version ? `${method} ${target} ${version}` : `${method} ${target}`;
  return summary('http', 'request', text, false, undefined, method);
}
