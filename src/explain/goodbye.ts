import type { AppSummary } from '../app/index.ts';
import type { MessageStart } from '../tcp/message-log.ts';

/** Commands that end a session in the text protocols (RFC 5321 QUIT, RFC 959, RFC 1939, RFC 9051). */
const GOODBYE_OPERATIONS = new Set(['QUIT', 'LOGOUT', 'LOGOFF', 'LOGOFF_ANDX', 'TREE_DISCONNECT']);

/**
 * Whether an application message is a goodbye: what a side says right before it closes, which
 * needs no answer — a TLS close_notify (or any alert, which ends the session too), a QUIT,
 * LOGOUT or SMB LOGOFF. A reset that meets such a message has destroyed nothing anyone waits for.
 *
 * TLS 1.3 encrypts alerts as application data (RFC 8446 §5.2): a lone 24-byte record (5-byte
 * header, 2-byte alert, 1-byte inner content type, 16-byte AEAD tag) is the size of an alert,
 * and nothing an application sends is that small at the very end of a session.
 */
export function isGoodbye(summary: AppSummary | null, message: MessageStart | null): boolean {
  if (summary === null) return false;
  if (summary.protocol === 'tls') {
    if (summary.operation === 'Alert') return true;
    return (
      summary.operation === 'ApplicationData' &&
      message !== null &&
      message.totalLength === 24 &&
      message.bytes.length >= 5 &&
      message.bytes[0] === 23 &&
      ((message.bytes[3] << 8) | message.bytes[4]) === 19
    );
  }
  // FTP and SMTP 221: "service closing control connection / transmission channel" (RFC 959,
  // RFC 5321 §4.2.3), what a server says as it closes.
  if ((summary.protocol === 'ftp' || summary.protocol === 'smtp') && summary.status === 221) return true;
  return summary.operation !== undefined && GOODBYE_OPERATIONS.has(summary.operation);
}

/** Largest final message that reads as closing words when nothing better is known (bytes). */
export const SHORT_LAST_WORDS = 40;
