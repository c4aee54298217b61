/**
 * Linux "cooked" capture header v2 (LINKTYPE_LINUX_SLL2 276, libpcap >= 1.10): same information
 * as v1 plus the interface index, protocol field moved first
 * (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).
 */
import { u16 } from './bytes.ts';
import { type DecodeCursor, stop } from './cursor.ts';
import { dispatchCooked } from './linux-sll.ts';
import type { PacketView } from './packet-view.ts';

// SLL2 header (20 bytes): protocol, reserved, interface index, ARPHRD type, packet type,
// address length, 8 address bytes.
const SLL2_PROTOCOL = 0;
const SLL2_HATYPE = 8;
export const SLL2_HEADER_LENGTH = 20;

export const PROBLEM_SLL2_TRUNCATED = 'Linux cooked v2 (SLL2) header cut short';

export function decodeLinuxSll2(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < SLL2_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_SLL2_TRUNCATED);
    return;
  }
  dispatchCooked(
    view,
    cursor,
    u16(data, start + SLL2_HATYPE),
    u16(data, start + SLL2_PROTOCOL),
    start + SLL2_HEADER_LENGTH,
  );
}
