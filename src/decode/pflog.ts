/**
 * OpenBSD/FreeBSD pf log header (LINKTYPE_PFLOG 117): pflogd writes the packets a firewall rule
 * logged (including the resets it sends with `block return`). The first byte is the header length,
 * padded on the wire to a multiple of 4 (BPF_WORDALIGN, as tcpdump's print-pflog.c reads it); the
 * IP packet follows and its version nibble says which IP it is.
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

const PFLOG_LENGTH = 0;
/** Smallest header any pf version wrote (up to and including the direction field). */
const PFLOG_MIN_LENGTH = 45;

export const PROBLEM_PFLOG_TRUNCATED = 'pflog header cut short';
export const PROBLEM_PFLOG_LENGTH = 'pflog header length too small';

export function decodePflog(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < 1) {
    stop(view, cursor, 'truncated', PROBLEM_PFLOG_TRUNCATED);
    return;
  }
  const declared = data[start + PFLOG_LENGTH];
  if (declared < PFLOG_MIN_LENGTH) {
    stop(view, cursor, 'malformed', PROBLEM_PFLOG_LENGTH);
    return;
  }
  const length = (declared + 3) & ~3;
  if (cursor.end - start < length) {
    stop(view, cursor, 'truncated', PROBLEM_PFLOG_TRUNCATED);
    return;
  }
  cursor.offset = start + length;
  cursor.next = Layer.ipByVersion;
}
