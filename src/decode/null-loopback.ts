/**
 * BSD loopback encapsulations: a 4-byte address family before the IP packet.
 *
 * LINKTYPE_NULL (0) stores the family in the byte order of the host that captured, which the
 * file does not record; a family is a small number, so when the low 16 bits read as zero the value
 * was written in the other order (the heuristic Wireshark and tcpdump use). LINKTYPE_LOOP (108,
 * OpenBSD) stores it in network order; the same test is harmless there.
 *
 * AF_INET is 2 everywhere. AF_INET6 differs per OS: 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD,
 * DragonFly), 30 (macOS/Darwin), and 10 when a Linux host wrote the header.
 * https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

export const NULL_HEADER_LENGTH = 4;

const AF_INET = 2;
const AF_INET6_LINUX = 10;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

export const PROBLEM_NULL_TRUNCATED = 'loopback (NULL) header cut short';
export const PROBLEM_NULL_NOT_IP = 'loopback address family is not IPv4/IPv6';

export function decodeNullLoopback(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < NULL_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_NULL_TRUNCATED);
    return;
  }
  // Read little-endian first; a big-endian small value then shows up in the high half.
  let family =
    (data[start] | (data[start + 1] << 8) | (data[start + 2] << 16) | (data[start + 3] << 24)) >>> 0;
  if ((family & 0xffff) === 0) family = (family >>> 24) | ((family >>> 8) & 0xff00);
  cursor.offset = start + NULL_HEADER_LENGTH;
  switch (family) {
    case AF_INET:
      cursor.next = Layer.ipv4;
      return;
    case AF_INET6_LINUX:
    case AF_INET6_BSD:
    case AF_INET6_FREEBSD:
    case AF_INET6_DARWIN:
      cursor.next = Layer.ipv6;
      return;
    default:
      stop(view, cursor, 'not-ip', PROBLEM_NULL_NOT_IP);
  }
}
