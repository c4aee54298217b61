/**
 * Cisco HDLC (LINKTYPE_C_HDLC 104), what router serial interfaces and some taps produce: address
 * (0x0F unicast, 0x8F broadcast), control (0), then an EtherType.
 * https://www.tcpdump.org/linktypes/LINKTYPE_C_HDLC.html
 */
import { u16 } from './bytes.ts';
import { type DecodeCursor, stop } from './cursor.ts';
import { dispatchEtherType } from './ethertype.ts';
import type { PacketView } from './packet-view.ts';

const CHDLC_PROTOCOL = 2;
export const CHDLC_HEADER_LENGTH = 4;

export const PROBLEM_CHDLC_TRUNCATED = 'Cisco HDLC header cut short';

export function decodeCiscoHdlc(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < CHDLC_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_CHDLC_TRUNCATED);
    return;
  }
  dispatchEtherType(view, cursor, u16(data, start + CHDLC_PROTOCOL), start + CHDLC_HEADER_LENGTH);
}
