/**
 * TLS registry names: alert descriptions (RFC 8446 §6, plus the RFC 5246 §7.2 / RFC 6066 /
 * RFC 7301 / RFC 8701 values still met), handshake message types (RFC 8446 §4, RFC 5246 §7.4,
 * RFC 6066 §8, RFC 8879) and protocol versions.
 */

import { hex } from './bytes.ts';

const ALERTS = new Map<number, string>([
  [0, 'close_notify'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [21, 'decryption_failed'],
  [22, 'record_overflow'],
  [30, 'decompression_failure'],
  [40, 'handshake_failure'],
  [41, 'no_certificate'],
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [60, 'export_restriction'],
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'],
  [90, 'user_canceled'],
  [100, 'no_renegotiation'],
  [109, 'missing_extension'],
  [110, 'unsupported_extension'],
  [111, 'certificate_unobtainable'],
  [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'],
  [114, 'bad_certificate_hash_value'],
  [115, 'unknown_psk_identity'],
  [116, 'certificate_required'],
  [120, 'no_application_protocol'],
  [121, 'ech_required'],
]);

export function alertDescriptionName(code: number): string {
  return ALERTS.get(code) ?? `alert ${code}`;
}

export function alertLevelName(level: number): string {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : `level ${level}`;
}

const HANDSHAKES = new Map<number, string>([
  [0, 'HelloRequest'],
  [1, 'ClientHello'],
  [2, 'ServerHello'],
  [3, 'HelloVerifyRequest'],
  [4, 'NewSessionTicket'],
  [5, 'EndOfEarlyData'],
  [8, 'EncryptedExtensions'],
  [11, 'Certificate'],
  [12, 'ServerKeyExchange'],
  [13, 'CertificateRequest'],
  [14, 'ServerHelloDone'],
  [15, 'CertificateVerify'],
  [16, 'ClientKeyExchange'],
  [20, 'Finished'],
  [21, 'CertificateURL'],
  [22, 'CertificateStatus'],
  [24, 'KeyUpdate'],
  [25, 'CompressedCertificate'],
  [254, 'MessageHash'],
]);

/** Name of a handshake message type, or undefined for a value no TLS version defines. */
export function handshakeName(type: number): string | undefined {
  return HANDSHAKES.get(type);
}

/** "TLS 1.2", "SSL 3.0", "TLS 1.3 draft 23", or the hex value. */
export function tlsVersionName(v: number): string {
  switch (v) {
    case 0x0002:
      return 'SSL 2.0';
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
  }
  // Pre-standard TLS 1.3 drafts were 0x7f00 + draft number (draft-ietf-tls-tls13 §4.2.1).
  if (v > 0x7f00 && v <= 0x7f1c) return `TLS 1.3 draft ${v - 0x7f00}`;
  return hex(v, 4);
}

/** GREASE values (RFC 8701 §2): 0x?a?a with both bytes equal. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}
