/**
 * NetBIOS session service framing (RFC 1002 §4.3) as SMB uses it on TCP 139, and the same
 * 4-byte header as "direct hosting" on TCP 445 ([MS-SMB2] §2.1: type 0, 24-bit length).
 *
 * A session message (type 0x00) whose body starts with an SMB protocol id is recognised on any
 * port: 0xFF 'SMB' (SMB1), 0xFE 'SMB' (SMB2/3), 0xFD 'SMB' (SMB3 encrypted), 0xFC 'SMB' (SMB3
 * compressed). The control packets (session request 0x81, positive 0x82 and negative 0x83
 * responses, retarget 0x84, keep-alive 0x85) are too short to recognise by content, so they
 * are only read on the SMB ports.
 */

import { hex, matchAscii, u8, u16be, u24be } from './bytes.ts';
import { sanitizeBytes } from './sanitize.ts';
import { isSmb1Header, summarizeSmb1 } from './smb1.ts';
import { isSmb2Header, summarizeSmb2, summarizeSmb3Compressed, summarizeSmb3Encrypted } from './smb2.ts';
import { type AppSummary, type PayloadContext, summary } from './summary.ts';

const NbssType = {
  MESSAGE: 0x00,
  SESSION_REQUEST: 0x81,
  POSITIVE_RESPONSE: 0x82,
  NEGATIVE_RESPONSE: 0x83,
  RETARGET_RESPONSE: 0x84,
  KEEP_ALIVE: 0x85,
} as const;

/** Error codes of a negative session response (RFC 1002 §4.3.4). */
const NEGATIVE_REASONS = new Map<number, string>([
  [0x80, 'not listening on called name'],
  [0x81, 'not listening for calling name'],
  [0x82, 'called name not present'],
  [0x83, 'called name present, but insufficient resources'],
  [0x8f, 'unspecified error'],
]);

/** Messages walked in one payload (keep-alives can precede the message that matters). */
const MAX_MESSAGES = 16;

export function isSmbPort(port: number): boolean {
  return port === 139 || port === 445;
}

/** d[at…] is a session message carrying any of the four SMB protocol ids. */
export function startsWithSmbMessage(d: Uint8Array, at: number, end: number): boolean {
  if (at + 8 > end || d[at] !== NbssType.MESSAGE) return false;
  const id = d[at + 4];
  return (id === 0xff || id === 0xfe || id === 0xfd || id === 0xfc) && matchAscii(d, at + 5, end, 'SMB');
}

export function summarizeNetbios(
  d: Uint8Array,
  start: number,
  end: number,
  ctx: PayloadContext,
): AppSummary | null {
  const smbPort = isSmbPort(ctx.serverPort);
  const direction = ctx.fromClient ? 'request' : 'response';
  let i = start;
  for (let n = 0; n < MAX_MESSAGES && i + 4 <= end; n++) {
    const type = d[i];
    // RFC 1002 has a 17-bit length (bit 0 of the flags byte extends it); direct hosting on
    // 445 uses all 24 bits. Reading 24 bits is right for both.
    const length = u24be(d, i + 1, end);
    const body = i + 4;
    const bodyEnd = Math.min(end, body + length);
    if (type === NbssType.MESSAGE) {
      if (isSmb2Header(d, body, bodyEnd)) return summarizeSmb2(d, body, bodyEnd, ctx.fromClient);
      if (isSmb1Header(d, body, bodyEnd)) return summarizeSmb1(d, body, bodyEnd, ctx.fromClient);
      if (bodyEnd - body >= 4 && matchAscii(d, body + 1, bodyEnd, 'SMB')) {
        if (d[body] === 0xfd) return summarizeSmb3Encrypted(ctx.fromClient);
        if (d[body] === 0xfc) return summarizeSmb3Compressed(d, body, bodyEnd, ctx.fromClient);
      }
      return null;
    }
    if (!smbPort) return null;
    switch (type) {
      case NbssType.KEEP_ALIVE:
        if (length !== 0) return null;
        if (body < end) {
          i = body; // something follows the keep-alive: that is what to summarise
          continue;
        }
        return summary('netbios', direction, 'NetBIOS keep-alive', false, undefined, 'KEEP_ALIVE');
      case NbssType.SESSION_REQUEST:
        return sessionRequest(d, body, bodyEnd);
      case NbssType.POSITIVE_RESPONSE:
        if (length !== 0) return null;
        return summary(
          'netbios',
          'response',
          'NetBIOS positive session response',
          false,
          undefined,
          'POSITIVE_RESPONSE',
        );
      case NbssType.NEGATIVE_RESPONSE: {
        const code = u8(d, body, bodyEnd);
        if (length !== 1) return null;
        const reason =
          code < 0
            ? 'error code not captured'
            : `${NEGATIVE_REASONS.get(code) ?? 'unknown error'} (${hex(code, 2)})`;
        const s = summary('netbios', 'response', `NetBIOS negative session response: ${reason}`, true);
        if (code >= 0) s.status = code;
        s.operation = 'NEGATIVE_RESPONSE';
        return s;
      }
      case NbssType.RETARGET_RESPONSE: {
        if (length !== 6) return null;
        const port = u16be(d, body + 4, bodyEnd);
        const where = port < 0 ? '' : ` to ${d[body]}.${d[body + 1]}.${d[body + 2]}.${d[body + 3]}:${port}`;
        return summary(
          'netbios',
          'response',
          `NetBIOS session retarget${where}`,
          false,
          undefined,
          'RETARGET_RESPONSE',
        );
      }
      default:
        return null;
    }
  }
  return null;
}

/** "NetBIOS session request to FILESRV<20> from CLIENT<00>" (RFC 1002 §4.3.2). */
function sessionRequest(d: Uint8Array, body: number, end: number): AppSummary {
  const called = netbiosName(d, body, end);
  const calling = called ? netbiosName(d, called.next, end) : null;
  let text = 'NetBIOS session request';
  if (called) text += ` to ${called.name}`;
  if (calling) text += ` from ${calling.name}`;
  return summary('netbios', 'request', text, false, undefined, 'SESSION_REQUEST');
}

/**
 * A first-level encoded NetBIOS name (RFC 1001 §14.1): length 0x20, 32 letters 'A'–'P' each
 * carrying a nibble, giving 15 name bytes padded with spaces and a suffix byte; then scope
 * labels up to a zero length. Returns "NAME<20>" and the index after the name, or null.
 */
function netbiosName(d: Uint8Array, at: number, end: number): { name: string; next: number } | null {
  if (u8(d, at, end) !== 0x20 || at + 34 > end) return null;
  const raw = new Uint8Array(16);
  for (let k = 0; k < 16; k++) {
    const hi = d[at + 1 + 2 * k] - 0x41;
    const lo = d[at + 2 + 2 * k] - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return null;
    raw[k] = (hi << 4) | lo;
  }
  let nameEnd = 15;
  while (nameEnd > 0 && raw[nameEnd - 1] === 0x20) nameEnd--;
  // Skip the scope labels (usually none: a single zero byte).
  let j = at + 33;
  for (let labels = 0; j < end && d[j] !== 0 && labels < 64; labels++) j += 1 + d[j];
  const suffix = raw[15].toString(16).padStart(2, '0');
  return { name: `${sanitizeBytes(raw, 0, nameEnd, 40)}<${suffix}>`, next: j + 1 };
}
