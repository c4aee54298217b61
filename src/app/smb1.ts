/**
 * SMB1 (CIFS) messages: the 32-byte header of [MS-CIFS] §2.2.3.1, then WordCount, parameter
 * words and ByteCount/bytes (§2.2.3.2, §2.2.3.3). A few requests name what they ask for:
 * NEGOTIATE (the dialect strings, §2.2.4.52.1: whether the client offers SMB2 is the first
 * thing to know), SESSION_SETUP_ANDX (NTLMSSP/Kerberos, §2.2.4.53.1 / [MS-SMB] §2.2.4.6.1),
 * TREE_CONNECT_ANDX (the share path, §2.2.4.55.1), NT_CREATE_ANDX (the file, §2.2.4.64.1) and
 * TRANSACTION (the pipe or mailslot, §2.2.4.33.1).
 *
 * The status field is an NTSTATUS when SMB_FLAGS2_NT_STATUS is set, otherwise a DOS error
 * class/code pair (§2.2.1.4).
 */

import { matchAscii, u8, u16le, u32le } from './bytes.ts';
import { ntStatusIsError, ntStatusName } from './nt-status.ts';
import { describeSecurityBlob } from './ntlmssp.ts';
import { sanitizeBytes, sanitizeUtf16le } from './sanitize.ts';
import { dosErrorName, Smb1Command, smb1CommandName, smb1IsAndX } from './smb1-names.ts';
import { type AppSummary, summary } from './summary.ts';

const HEADER = 32;
const FLAGS_REPLY = 0x80;
const FLAGS2_NT_STATUS = 0x4000;
const FLAGS2_UNICODE = 0x8000;
const NAME_BUDGET = 110;

/** d[at…] starts with the SMB1 protocol id 0xFF 'S' 'M' 'B'. */
export function isSmb1Header(d: Uint8Array, at: number, end: number): boolean {
  return at + 4 <= end && d[at] === 0xff && matchAscii(d, at + 1, end, 'SMB');
}

export function summarizeSmb1(d: Uint8Array, h: number, end: number, fromClient: boolean): AppSummary {
  const command = u8(d, h + 4, end);
  const flags = u8(d, h + 9, end);
  const flags2 = u16le(d, h + 10, end);
  if (command < 0 || flags2 < 0) {
    const name = command < 0 ? 'message' : smb1CommandName(command);
    const op = command < 0 ? undefined : name;
    return summary(
      'smb1',
      fromClient ? 'request' : 'response',
      `SMB1 ${name} (truncated)`,
      false,
      undefined,
      op,
    );
  }
  const name = smb1CommandName(command);
  if ((flags & FLAGS_REPLY) !== 0) {
    if ((flags2 & FLAGS2_NT_STATUS) !== 0) {
      const status = u32le(d, h + 5, end);
      return summary(
        'smb1',
        'response',
        `SMB1 ${name} → ${ntStatusName(status)}`,
        ntStatusIsError(status),
        status,
        name,
      );
    }
    // DOS error: ErrorClass (1), Reserved (1), ErrorCode (2); class 0 is success.
    const errorClass = d[h + 5];
    const code = u16le(d, h + 7, end);
    const result = errorClass === 0 ? 'SUCCESS' : dosErrorName(errorClass, code);
    return summary('smb1', 'response', `SMB1 ${name} → ${result}`, errorClass !== 0, undefined, name);
  }
  const detail = requestDetail(d, h, end, command, (flags2 & FLAGS2_UNICODE) !== 0);
  return summary('smb1', 'request', `SMB1 ${name}${detail ? ` ${detail}` : ''}`, false, undefined, name);
}

function requestDetail(d: Uint8Array, h: number, end: number, command: number, unicode: boolean): string {
  const wordCount = u8(d, h + HEADER, end);
  if (wordCount < 0) return '';
  const words = h + HEADER + 1;
  const byteCount = u16le(d, words + 2 * wordCount, end);
  if (byteCount < 0) return '';
  const bytes = words + 2 * wordCount + 2;
  const bytesEnd = Math.min(end, bytes + byteCount);
  const cut = bytes + byteCount > end;
  let detail = '';
  switch (command) {
    case Smb1Command.NEGOTIATE:
      detail = dialects(d, bytes, bytesEnd);
      break;
    case Smb1Command.SESSION_SETUP_ANDX:
      // Extended security form has 12 words; SecurityBlobLength is word 7 and the blob opens
      // the bytes ([MS-SMB] §2.2.4.6.1).
      if (wordCount === 12) {
        const blobLength = u16le(d, words + 14, end);
        detail = describeSecurityBlob(d, bytes, Math.min(bytesEnd, bytes + Math.max(0, blobLength))) ?? '';
      }
      break;
    case Smb1Command.TREE_CONNECT_ANDX: {
      // Words: AndX (4), Flags (2), PasswordLength (2); bytes: Password, Path, Service.
      const passwordLength = u16le(d, words + 6, end);
      if (wordCount === 4 && passwordLength >= 0)
        detail = smbString(d, h, bytes + passwordLength, bytesEnd, unicode, cut);
      break;
    }
    case Smb1Command.NT_CREATE_ANDX:
      // 24 words; the bytes are the file name (NameLength at word offset 5 is not needed:
      // the name is null-terminated).
      if (wordCount === 24) detail = smbString(d, h, bytes, bytesEnd, unicode, cut);
      break;
    case Smb1Command.TRANSACTION:
      // 14 + SetupCount words; the bytes start with the Name ("\PIPE\LANMAN", "\MAILSLOT\BROWSE").
      if (wordCount >= 14) detail = smbString(d, h, bytes, bytesEnd, unicode, cut);
      break;
  }
  // An AndX chain: name the next command too (§2.2.3.4), it is often the one that failed.
  if (smb1IsAndX(command) && wordCount >= 2) {
    const next = d[words];
    if (next !== Smb1Command.NO_ANDX_COMMAND) detail += `${detail ? ' ' : ''}+ ${smb1CommandName(next)}`;
  }
  return detail;
}

/**
 * The dialect strings of a NEGOTIATE request (0x02 BufferFormat, then a null-terminated name).
 * Clients list them oldest first, and the newest ("NT LM 0.12", "SMB 2.002", "SMB 2.???": does
 * the client offer SMB2?) are what matter, so when they do not all fit the oldest are elided.
 */
function dialects(d: Uint8Array, from: number, to: number): string {
  const names: string[] = [];
  let i = from;
  while (i < to && d[i] === 0x02 && names.length < 64) {
    let z = i + 1;
    while (z < to && d[z] !== 0) z++;
    names.push(sanitizeBytes(d, i + 1, z, 32));
    i = z + 1;
  }
  if (names.length === 0) return '';
  let budget = NAME_BUDGET;
  let first = names.length;
  while (first > 0 && names[first - 1].length + 2 <= budget) {
    budget -= names[first - 1].length + 2;
    first--;
  }
  const shown = names.slice(first);
  if (first > 0) shown.unshift('…');
  return `dialects ${shown.join(', ')}`;
}

/**
 * A null-terminated SMB string starting at `at`: UTF-16LE (aligned to 2 bytes from the header
 * start, §2.2.1.1) when the message says Unicode, else OEM (shown as UTF-8/bytes). `cut` says
 * the capture ended inside the bytes, so a missing terminator means "…", not "the end".
 */
function smbString(d: Uint8Array, h: number, at: number, to: number, unicode: boolean, cut: boolean): string {
  if (at >= to) return '';
  if (unicode) {
    if ((at - h) % 2 !== 0) at++;
    let z = at;
    while (z + 1 < to && (d[z] | d[z + 1]) !== 0) z += 2;
    const text = sanitizeUtf16le(d, at, Math.min(z, to), NAME_BUDGET);
    return cut && z + 1 >= to && text && !text.endsWith('…') ? `${text}…` : text;
  }
  let z = at;
  while (z < to && d[z] !== 0) z++;
  const text = sanitizeBytes(d, at, z, NAME_BUDGET);
  return cut && z >= to && text && !text.endsWith('…') ? `${text}…` : text;
}
