/**
 * SMB2/3 messages: the 64-byte header of [MS-SMB2] §2.2.1 (sync and async share the offsets of
 * Status, Command, Flags and NextCommand), a few request bodies that name what was asked for
 * (§2.2.3 NEGOTIATE, §2.2.5 SESSION_SETUP, §2.2.9 TREE_CONNECT, §2.2.13 CREATE, §2.2.19 READ,
 * §2.2.21 WRITE, §2.2.31 IOCTL, §2.2.33 QUERY_DIRECTORY), the SMB3 transform header (§2.2.41,
 * encrypted) and the compression transform header (§2.2.42).
 *
 * Request vs response comes from SMB2_FLAGS_SERVER_TO_REDIR, not from the TCP direction.
 * Compounded requests (§3.2.4.1.4: NextCommand chains several messages in one) are summarised
 * by the first message and "+N more".
 */

import { matchAscii, u16le, u32le, u64le } from './bytes.ts';
import { ntStatusIsError, ntStatusName } from './nt-status.ts';
import { describeSecurityBlob } from './ntlmssp.ts';
import { sanitizeUtf16le } from './sanitize.ts';
import { fsctlName, Smb2Command, smb2CommandName, smb2DialectName } from './smb2-names.ts';
import { type AppSummary, summary } from './summary.ts';

const HEADER = 64;
const FLAG_SERVER_TO_REDIR = 0x00000001;
/** Longest compound chain followed; a real client sends a handful. */
const MAX_CHAIN = 64;
/** Budget for a path or file name inside the one-line summary. */
const NAME_BUDGET = 110;

/** d[at…] starts with the SMB2 protocol id 0xFE 'S' 'M' 'B'. */
export function isSmb2Header(d: Uint8Array, at: number, end: number): boolean {
  return at + 4 <= end && d[at] === 0xfe && matchAscii(d, at + 1, end, 'SMB');
}

/** The SMB2 message at d[h, end) (end = the captured end of its NetBIOS message). */
export function summarizeSmb2(d: Uint8Array, h: number, end: number, fromClient: boolean): AppSummary {
  const fallbackDirection = fromClient ? 'request' : 'response';
  const command = u16le(d, h + 12, end);
  const flags = u32le(d, h + 16, end);
  if (command < 0 || flags < 0) {
    const name = command < 0 ? 'message' : smb2CommandName(command);
    return summary(
      'smb2',
      fallbackDirection,
      `SMB2 ${name} (truncated)`,
      false,
      undefined,
      command < 0 ? undefined : name,
    );
  }
  const name = smb2CommandName(command);
  const more = compoundCount(d, h, end);
  const tail = more > 0 ? ` +${more} more` : '';
  const body = h + HEADER;
  if ((flags & FLAG_SERVER_TO_REDIR) !== 0) {
    const status = u32le(d, h + 8, end);
    let detail = '';
    if (command === Smb2Command.NEGOTIATE && status === 0) {
      const dialect = u16le(d, body + 4, end);
      if (dialect >= 0) detail = ` dialect ${smb2DialectName(dialect)}`;
    }
    const text = `SMB2 ${name} → ${ntStatusName(status)}${detail}${tail}`;
    return summary('smb2', 'response', text, ntStatusIsError(status), status, name);
  }
  const detail = requestDetail(d, h, body, end, command);
  return summary(
    'smb2',
    'request',
    `SMB2 ${name}${detail ? ` ${detail}` : ''}${tail}`,
    false,
    undefined,
    name,
  );
}

/** Number of further messages chained after the one at h by NextCommand. */
function compoundCount(d: Uint8Array, h: number, end: number): number {
  let more = 0;
  let cur = h;
  while (more < MAX_CHAIN) {
    const next = u32le(d, cur + 20, end);
    // NextCommand is 8-byte aligned and at least one header long (§2.2.1.2); anything else
    // is not a chain we can trust.
    if (next < HEADER || next % 8 !== 0) break;
    more++;
    cur += next;
    if (!isSmb2Header(d, cur, end)) break; // the next message is beyond the captured bytes
  }
  return more;
}

function requestDetail(d: Uint8Array, h: number, body: number, end: number, command: number): string {
  switch (command) {
    case Smb2Command.NEGOTIATE: {
      // DialectCount at 2, Dialects at 36 (§2.2.3).
      const count = u16le(d, body + 2, end);
      const names: string[] = [];
      for (let k = 0; k < count && k < 16; k++) {
        const dialect = u16le(d, body + 36 + 2 * k, end);
        if (dialect < 0) break;
        names.push(smb2DialectName(dialect));
      }
      return names.length > 0 ? `dialects ${names.join(',')}` : '';
    }
    case Smb2Command.SESSION_SETUP: {
      // SecurityBufferOffset (from the header) at 12, SecurityBufferLength at 14 (§2.2.5).
      const off = u16le(d, body + 12, end);
      const len = u16le(d, body + 14, end);
      if (off < 0 || len < 0) return '';
      return describeSecurityBlob(d, h + off, Math.min(h + off + len, end)) ?? '';
    }
    case Smb2Command.TREE_CONNECT:
      // PathOffset at 4, PathLength at 6 (§2.2.9): "\\server\share" in UTF-16LE.
      return utf16Field(d, h, u16le(d, body + 4, end), u16le(d, body + 6, end), end);
    case Smb2Command.CREATE:
      // NameOffset at 44, NameLength at 46 (§2.2.13); an empty name opens the share's root.
      return utf16Field(d, h, u16le(d, body + 44, end), u16le(d, body + 46, end), end);
    case Smb2Command.QUERY_DIRECTORY:
      // FileNameOffset at 24, FileNameLength at 26 (§2.2.33): the search pattern.
      return utf16Field(d, h, u16le(d, body + 24, end), u16le(d, body + 26, end), end);
    case Smb2Command.READ:
    case Smb2Command.WRITE: {
      // Length at 4, Offset at 8 in both (§2.2.19, §2.2.21).
      const length = u32le(d, body + 4, end);
      const offset = u64le(d, body + 8, end);
      return length < 0 || offset < 0 ? '' : `${length} bytes at ${offset}`;
    }
    case Smb2Command.IOCTL: {
      const code = u32le(d, body + 4, end); // CtlCode (§2.2.31)
      return code < 0 ? '' : fsctlName(code);
    }
    default:
      return '';
  }
}

/** A UTF-16LE name at header-relative offset `off`, "…"-terminated when the capture cut it. */
function utf16Field(d: Uint8Array, h: number, off: number, len: number, end: number): string {
  if (off < HEADER || len <= 0) return '';
  const start = h + off;
  if (start >= end) return '';
  const stop = start + len;
  const text = sanitizeUtf16le(d, start, Math.min(stop, end), NAME_BUDGET);
  return stop > end && !text.endsWith('…') ? `${text}…` : text;
}

/** SMB3 transform header (0xFD 'SMB', §2.2.41): the whole message is encrypted. */
export function summarizeSmb3Encrypted(fromClient: boolean): AppSummary {
  return summary(
    'smb2',
    fromClient ? 'request' : 'response',
    'SMB3 encrypted message',
    false,
    undefined,
    'ENCRYPTED',
  );
}

/**
 * Compression transform header (0xFC 'SMB', §2.2.42). When unchained (Flags 0), the first
 * `Offset` bytes after the 16-byte header are sent uncompressed, and senders put the SMB2
 * header there, so the message can still be named.
 */
export function summarizeSmb3Compressed(
  d: Uint8Array,
  h: number,
  end: number,
  fromClient: boolean,
): AppSummary {
  const flags = u16le(d, h + 10, end);
  const offset = u32le(d, h + 12, end);
  const inner = h + 16;
  if (flags === 0 && offset >= HEADER && isSmb2Header(d, inner, end)) {
    const s = summarizeSmb2(d, inner, Math.min(end, inner + offset), fromClient);
    s.text = `${s.text} (compressed)`;
    return s;
  }
  return summary(
    'smb2',
    fromClient ? 'request' : 'response',
    'SMB3 compressed message',
    false,
    undefined,
    'COMPRESSED',
  );
}
