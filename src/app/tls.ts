/**
 * TLS records (RFC 8446 §5.1, RFC 5246 §6.2): what the peer was saying when the connection was
 * reset. The record header (type 20–24, version 3.x, length ≤ 2^14 + 2048) is what recognises
 * TLS, on any port.
 *
 * - A plaintext alert decides the summary ("TLS alert fatal handshake_failure"): it is the peer
 *   explaining why it is about to close.
 * - Handshake messages are named; the ClientHello shows its SNI (RFC 6066 §3), the thing a
 *   filtering middlebox looks at, and whether it is an ECH outer hello
 *   (draft-ietf-tls-esni), whose SNI is only the public name.
 * - After ChangeCipherSpec (TLS ≤ 1.2) handshake and alert records are encrypted: they are
 *   named as such and not parsed.
 * - SSL 2.0-format ClientHellos (RFC 6101 Appendix E.2, still sent by old clients) are
 *   recognised by their consistent lengths.
 */

import { u8, u16be, u24be } from './bytes.ts';
import { sanitizeBytes } from './sanitize.ts';
import { type AppSummary, summary } from './summary.ts';
import {
  alertDescriptionName,
  alertLevelName,
  handshakeName,
  isGrease,
  tlsVersionName,
} from './tls-names.ts';

const ContentType = {
  CHANGE_CIPHER_SPEC: 20,
  ALERT: 21,
  HANDSHAKE: 22,
  APPLICATION_DATA: 23,
  HEARTBEAT: 24,
} as const;

const HandshakeType = { CLIENT_HELLO: 1, SERVER_HELLO: 2 } as const;
const Extension = { SERVER_NAME: 0, SUPPORTED_VERSIONS: 43, ENCRYPTED_CLIENT_HELLO: 0xfe0d } as const;

/** TLSCiphertext.length limit (RFC 5246 §6.2.3; RFC 8446 §5.2 allows less). */
const MAX_RECORD = 16384 + 2048;
/** Records walked in one payload. */
const MAX_RECORDS = 64;
/** A handshake message longer than this is taken for encrypted bytes (certificate chains stay far below). */
const MAX_HANDSHAKE = 0x40000;
const SNI_BUDGET = 100;

/** SHA-256("HelloRetryRequest"): the ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3). */
const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2,
  0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/** d[i…] starts with a plausible TLS record header. */
export function isTlsRecord(d: Uint8Array, i: number, end: number): boolean {
  if (i + 5 > end) return false;
  const type = d[i];
  if (type < ContentType.CHANGE_CIPHER_SPEC || type > ContentType.HEARTBEAT) return false;
  if (d[i + 1] !== 3 || d[i + 2] > 4) return false;
  const length = (d[i + 3] << 8) | d[i + 4];
  // Only application data may be empty (RFC 5246 §6.2.1).
  return length <= MAX_RECORD && (length > 0 || type === ContentType.APPLICATION_DATA);
}

/**
 * An SSL 2.0-format CLIENT-HELLO (RFC 6101 E.2): 2-byte header with the high bit set, type 1,
 * a version SSL 2.0…TLS 1.2, and cipher/session/challenge lengths that add up to the record.
 */
export function isSsl2ClientHello(d: Uint8Array, i: number, end: number): boolean {
  if (i + 11 > end || (d[i] & 0x80) === 0 || d[i + 2] !== 1) return false;
  const length = ((d[i] & 0x7f) << 8) | d[i + 1];
  const version = (d[i + 3] << 8) | d[i + 4];
  if (version !== 0x0002 && (version < 0x0300 || version > 0x0303)) return false;
  const ciphers = (d[i + 5] << 8) | d[i + 6];
  const session = (d[i + 7] << 8) | d[i + 8];
  const challenge = (d[i + 9] << 8) | d[i + 10];
  return (
    ciphers > 0 &&
    ciphers % 3 === 0 &&
    challenge >= 16 &&
    challenge <= 32 &&
    9 + ciphers + session + challenge === length
  );
}

export function summarizeSsl2ClientHello(d: Uint8Array, i: number): AppSummary {
  const version = tlsVersionName((d[i + 3] << 8) | d[i + 4]);
  return summary(
    'tls',
    'request',
    `TLS ClientHello (SSLv2 format, ${version})`,
    false,
    undefined,
    'ClientHello',
  );
}

/** The TLS records at d[start, end); the caller checked isTlsRecord(d, start, end). */
export function summarizeTls(d: Uint8Array, start: number, end: number, fromClient: boolean): AppSummary {
  const parts: string[] = [];
  let operation: string | undefined;
  let direction: 'request' | 'response' = fromClient ? 'request' : 'response';
  let encrypted = false;
  /** Bytes of a handshake message that continue into the next handshake record. */
  let carry = 0;
  let applicationBytes = 0;
  const add = (part: string, op: string) => {
    if (parts[parts.length - 1] !== part) parts.push(part);
    operation ??= op;
  };

  let i = start;
  for (let r = 0; r < MAX_RECORDS && isTlsRecord(d, i, end); r++) {
    const type = d[i];
    const length = u16be(d, i + 3, end);
    const frag = i + 5;
    const recordEnd = frag + length; // as declared; may lie beyond the captured bytes
    const fragEnd = Math.min(end, recordEnd);
    switch (type) {
      case ContentType.CHANGE_CIPHER_SPEC:
        add('ChangeCipherSpec', 'ChangeCipherSpec');
        encrypted = true; // what follows in this direction is protected (RFC 5246 §7.1)
        break;
      case ContentType.ALERT:
        if (!encrypted && length === 2 && fragEnd - frag === 2)
          return alertSummary(d[frag], d[frag + 1], direction);
        // Encrypted (a TLS 1.2 alert after ChangeCipherSpec): level and description are
        // unreadable; most are close_notify, so it is not counted as an error.
        return summary('tls', direction, 'TLS encrypted alert', false, undefined, 'Alert');
      case ContentType.HANDSHAKE:
        if (encrypted) {
          add('encrypted handshake message', 'EncryptedHandshake');
          break;
        }
        carry = handshakes(d, frag, recordEnd, fragEnd, carry, (part, op, dir) => {
          add(part, op);
          if (dir) direction = dir;
        });
        break;
      case ContentType.APPLICATION_DATA:
        applicationBytes += length;
        add('application data', 'ApplicationData');
        break;
      case ContentType.HEARTBEAT:
        add('heartbeat', 'Heartbeat');
        break;
    }
    i = recordEnd;
  }
  // Only a handshake record whose first message header was not captured names nothing.
  if (parts.length === 0)
    return summary('tls', direction, 'TLS handshake (truncated)', false, undefined, 'Handshake');
  let text = `TLS ${parts.join(', ')}`;
  if (parts.length === 1 && operation === 'ApplicationData') text += ` (${applicationBytes} bytes)`;
  return summary('tls', direction, text, false, undefined, operation);
}

function alertSummary(level: number, description: number, direction: 'request' | 'response'): AppSummary {
  const text = `TLS alert ${alertLevelName(level)} ${alertDescriptionName(description)}`;
  // Fatal alerts end the connection (RFC 8446 §6.2); any warning but close_notify still
  // reports a problem (user_canceled, no_renegotiation, unrecognized_name…).
  const error = level === 2 || description !== 0;
  return summary('tls', direction, text, error, description, 'Alert');
}

type Emit = (part: string, operation: string, direction?: 'request' | 'response') => void;

/**
 * Walks the handshake messages of one record, d[frag, recordEnd) of which d[frag, fragEnd) was
 * captured. Returns how many bytes of the last message continue into the next record.
 */
function handshakes(
  d: Uint8Array,
  frag: number,
  recordEnd: number,
  fragEnd: number,
  carry: number,
  emit: Emit,
): number {
  if (carry >= recordEnd - frag) return carry - (recordEnd - frag);
  let j = frag + carry;
  if (!plausibleHandshakes(d, j, recordEnd, fragEnd)) {
    // Protected bytes: a Finished whose ChangeCipherSpec was in an earlier segment, or a
    // renegotiation under encryption.
    emit('encrypted handshake message', 'EncryptedHandshake');
    return 0;
  }
  while (j < recordEnd) {
    const type = u8(d, j, fragEnd);
    if (type < 0) return 0; // not captured
    const length = u24be(d, j + 1, fragEnd);
    const name = handshakeName(type) ?? 'handshake';
    if (length < 0) {
      emit(`${name} (truncated)`, name);
      return 0;
    }
    const body = j + 4;
    const messageEnd = body + length;
    const limit = Math.min(messageEnd, fragEnd);
    if (type === HandshakeType.CLIENT_HELLO)
      emit(`ClientHello${clientHelloDetail(d, body, limit, messageEnd)}`, name, 'request');
    else if (type === HandshakeType.SERVER_HELLO) {
      const hello = serverHelloDetail(d, body, limit);
      emit(hello, hello.startsWith('HelloRetryRequest') ? 'HelloRetryRequest' : name, 'response');
    } else emit(name, name);
    if (messageEnd > recordEnd) return messageEnd - recordEnd;
    j = messageEnd;
  }
  return 0;
}

/**
 * The captured part of a handshake record, d[j, min(recordEnd, fragEnd)), reads as a chain of
 * handshake headers with known types that ends exactly at the record's end or runs past it (a
 * message continued in the next record). An encrypted Finished fails this almost always: its
 * first bytes are an explicit nonce or ciphertext. A HelloRequest is empty (RFC 5246 §7.4.1.1),
 * which rules out the all-zero nonce of a first AES-GCM record.
 */
function plausibleHandshakes(d: Uint8Array, j: number, recordEnd: number, fragEnd: number): boolean {
  const stop = Math.min(recordEnd, fragEnd);
  for (let n = 0; j < stop && n < 64; n++) {
    const type = d[j];
    const length = u24be(d, j + 1, fragEnd);
    if (handshakeName(type) === undefined || length > MAX_HANDSHAKE) return false;
    if (length < 0) return true; // header cut by the capture: nothing contradicts it
    if (type === 0 && (length !== 0 || recordEnd - j !== 4)) return false;
    j += 4 + length;
  }
  return true;
}

/**
 * " sni=example.com", " (no SNI)" or " (truncated)" for a ClientHello whose body is
 * d[p, limit) (RFC 8446 §4.1.2; extensions §4.2), declared to end at `declaredEnd`.
 */
function clientHelloDetail(d: Uint8Array, p: number, limit: number, declaredEnd: number): string {
  p += 2 + 32; // legacy_version, random
  const session = u8(d, p, limit);
  if (session < 0) return ' (truncated)';
  p += 1 + session;
  const ciphers = u16be(d, p, limit);
  if (ciphers < 0) return ' (truncated)';
  p += 2 + ciphers;
  const compression = u8(d, p, limit);
  if (compression < 0) return ' (truncated)';
  p += 1 + compression;
  if (p >= declaredEnd) return ' (no SNI)'; // no extensions at all (SSL 3.0 style)
  const extensionsLength = u16be(d, p, limit);
  if (extensionsLength < 0) return ' (truncated)';
  p += 2;
  const extensionsEnd = p + extensionsLength;
  let sni: string | null = null;
  let ech = false;
  let truncated = extensionsEnd > limit;
  while (p + 4 <= Math.min(extensionsEnd, limit)) {
    const type = u16be(d, p, limit);
    const length = u16be(d, p + 2, limit);
    const data = p + 4;
    if (type === Extension.SERVER_NAME)
      sni = serverName(d, data, Math.min(data + length, limit), data + length > limit);
    else if (type === Extension.ENCRYPTED_CLIENT_HELLO) ech = true;
    p = data + length;
  }
  if (p < extensionsEnd) truncated = true;
  const echNote = ech ? ' (ECH)' : '';
  if (sni !== null) return ` sni=${sni}${echNote}`;
  return truncated ? ' (truncated)' : ` (no SNI)${echNote}`;
}

/** The first host_name of a server_name extension (RFC 6066 §3), or null. */
function serverName(d: Uint8Array, p: number, limit: number, cut: boolean): string | null {
  const listLength = u16be(d, p, limit);
  if (listLength < 0) return null;
  p += 2;
  while (p + 3 <= limit) {
    const nameType = d[p];
    const length = u16be(d, p + 1, limit);
    const name = p + 3;
    if (nameType === 0) {
      const text = sanitizeBytes(d, name, Math.min(name + length, limit), SNI_BUDGET);
      return (cut || name + length > limit) && !text.endsWith('…') ? `${text}…` : text;
    }
    p = name + length;
  }
  return null;
}

/** "ServerHello TLS 1.3" or "HelloRetryRequest" (RFC 8446 §4.1.3, §4.2.1). */
function serverHelloDetail(d: Uint8Array, p: number, limit: number): string {
  const legacy = u16be(d, p, limit);
  if (legacy < 0) return 'ServerHello (truncated)';
  let retry = p + 34 <= limit;
  for (let k = 0; retry && k < 32; k++) if (d[p + 2 + k] !== HRR_RANDOM[k]) retry = false;
  const name = retry ? 'HelloRetryRequest' : 'ServerHello';
  let version = legacy;
  let q = p + 34;
  const session = u8(d, q, limit);
  if (session >= 0) {
    q += 1 + session + 2 + 1; // session id, cipher_suite, compression_method
    const extensionsLength = u16be(d, q, limit);
    if (extensionsLength >= 0) {
      q += 2;
      const extensionsEnd = Math.min(q + extensionsLength, limit);
      while (q + 4 <= extensionsEnd) {
        const type = u16be(d, q, limit);
        const length = u16be(d, q + 2, limit);
        if (type === Extension.SUPPORTED_VERSIONS && length === 2) {
          const selected = u16be(d, q + 4, limit);
          if (selected >= 0 && !isGrease(selected)) version = selected;
        }
        q += 4 + length;
      }
    }
  }
  return `${name} ${tlsVersionName(version)}`;
}
