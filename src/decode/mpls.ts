/**
 * MPLS label stack (RFC 3032): 4-byte entries, label (20 bits), traffic class (3), bottom of
 * stack (1), TTL (8). What follows the bottom entry is not announced; like Wireshark's default we
 * look at the first nibble: 4 is IPv4, 6 is IPv6, 0 is the pseudowire control word (RFC 4385) of
 * an Ethernet pseudowire (RFC 4448), followed by an Ethernet frame.
 */
import { u32 } from './bytes.ts';
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import { type PacketView, Tunnel } from './packet-view.ts';
import { enterTunnel } from './tunnel.ts';

const MPLS_ENTRY_LENGTH = 4;
const BOTTOM_OF_STACK = 0x100;
const PW_CONTROL_WORD_LENGTH = 4;
/** Deeper than any real label stack (a handful of labels); a longer stack is treated as hostile. */
export const MAX_MPLS_LABELS = 16;

export const PROBLEM_MPLS_TRUNCATED = 'MPLS label stack cut short';
export const PROBLEM_MPLS_TOO_DEEP = 'MPLS label stack deeper than MAX_MPLS_LABELS';
export const PROBLEM_MPLS_NOT_IP = 'MPLS payload is neither IP nor an Ethernet pseudowire';

export function decodeMpls(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const end = cursor.end;
  let at = cursor.offset;
  let entry = 0;
  for (let count = 0; ; count++) {
    if (count === MAX_MPLS_LABELS) {
      stop(view, cursor, 'malformed', PROBLEM_MPLS_TOO_DEEP);
      return;
    }
    if (end - at < MPLS_ENTRY_LENGTH) {
      stop(view, cursor, 'truncated', PROBLEM_MPLS_TRUNCATED);
      return;
    }
    entry = u32(data, at);
    at += MPLS_ENTRY_LENGTH;
    if ((entry & BOTTOM_OF_STACK) !== 0) break;
  }
  // The bottom label is the innermost one: the service (VPN / pseudowire) label.
  if (!enterTunnel(view, cursor, Tunnel.mpls, entry >>> 12)) return;
  if (end - at < 1) {
    stop(view, cursor, 'truncated', PROBLEM_MPLS_TRUNCATED);
    return;
  }
  const nibble = data[at] >> 4;
  cursor.offset = at;
  if (nibble === 4) cursor.next = Layer.ipv4;
  else if (nibble === 6) cursor.next = Layer.ipv6;
  else if (nibble === 0) {
    cursor.offset = at + PW_CONTROL_WORD_LENGTH;
    cursor.next = Layer.ethernet;
  } else stop(view, cursor, 'not-ip', PROBLEM_MPLS_NOT_IP);
}
