/**
 * IPv4 header (RFC 791). Fills the view's IP fields (an inner header of a tunnel overwrites the
 * outer one's, so the view ends up holding the innermost), then hands the protocol number to
 * ip-protocol.ts.
 *
 * Lengths: the payload ends at `total length`, not at the end of the frame (Ethernet pads short
 * frames to 60 bytes). When the snaplen cut the frame the total length still tells how long the
 * packet was, which is what TCP's payload length is computed from (tshark's tcp.len). A total
 * length of 0 is what captures of TCP segmentation offload show (the NIC fills it in later), so
 * the captured bytes are used instead.
 *
 * Fragments (RFC 791 §3.2): only the first fragment (offset 0) holds the TCP header; later ones
 * end as 'fragment'. A first fragment with MF set still decodes its TCP header.
 */
import { u16, u32 } from './bytes.ts';
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

const IPV4_VERSION_IHL = 0;
const IPV4_TOS = 1;
const IPV4_TOTAL_LENGTH = 2;
const IPV4_IDENTIFICATION = 4;
const IPV4_FLAGS_FRAGMENT = 6;
const IPV4_TTL = 8;
const IPV4_PROTOCOL = 9;
const IPV4_SOURCE = 12;
const IPV4_DESTINATION = 16;
export const IPV4_MIN_HEADER_LENGTH = 20;

const IP_PROTOCOL_TCP = 6;

const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

export const PROBLEM_IPV4_TRUNCATED = 'IPv4 header cut short';
export const PROBLEM_IPV4_OPTIONS_TRUNCATED = 'IPv4 options cut short';
export const PROBLEM_IPV4_VERSION = 'IPv4 header version is not 4';
export const PROBLEM_IPV4_IHL = 'IPv4 header length below 20 bytes';
export const PROBLEM_IPV4_TOTAL_LENGTH = 'IPv4 total length shorter than its header';
export const PROBLEM_IPV4_FRAGMENT = 'IPv4 non-first fragment (no TCP header)';

export function decodeIpv4(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  const end = cursor.end;
  if (end - start < IPV4_MIN_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_IPV4_TRUNCATED);
    return;
  }
  const versionIhl = data[start + IPV4_VERSION_IHL];
  if (versionIhl >> 4 !== 4) {
    stop(view, cursor, 'malformed', PROBLEM_IPV4_VERSION);
    return;
  }
  const headerLength = (versionIhl & 0x0f) << 2;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) {
    stop(view, cursor, 'malformed', PROBLEM_IPV4_IHL);
    return;
  }

  const flagsFragment = u16(data, start + IPV4_FLAGS_FRAGMENT);
  const fragmentOffset = flagsFragment & FRAGMENT_OFFSET_MASK;
  const src = view.src;
  const dst = view.dst;
  if (view.ipVersion === 6) {
    // IPv4 inside IPv6: clear() zeroed the upper words, but the outer IPv6 header filled them.
    src[1] = src[2] = src[3] = 0;
    dst[1] = dst[2] = dst[3] = 0;
  }
  src[0] = u32(data, start + IPV4_SOURCE);
  dst[0] = u32(data, start + IPV4_DESTINATION);
  view.ipVersion = 4;
  view.ipOffset = start;
  view.tos = data[start + IPV4_TOS];
  view.ttl = data[start + IPV4_TTL];
  view.ipId = u16(data, start + IPV4_IDENTIFICATION);
  view.dontFragment = (flagsFragment & FLAG_DONT_FRAGMENT) !== 0;
  view.isFragment = fragmentOffset !== 0 || (flagsFragment & FLAG_MORE_FRAGMENTS) !== 0;
  view.ipOptionsLength = headerLength - IPV4_MIN_HEADER_LENGTH;
  view.ipv6ExtHeaders = 0;

  if (end - start < headerLength) {
    stop(view, cursor, 'truncated', PROBLEM_IPV4_OPTIONS_TRUNCATED);
    return;
  }
  const totalLength = u16(data, start + IPV4_TOTAL_LENGTH);
  if (totalLength !== 0) {
    if (totalLength < headerLength) {
      stop(view, cursor, 'malformed', PROBLEM_IPV4_TOTAL_LENGTH);
      return;
    }
    const packetEnd = start + totalLength;
    cursor.claimedEnd = Math.min(packetEnd, cursor.wireEnd);
    if (packetEnd < end) cursor.end = packetEnd;
  }
  // else TSO: total length not filled in, the packet runs to the enclosing layer's end (kept).
  if (fragmentOffset !== 0) {
    stop(view, cursor, 'fragment', PROBLEM_IPV4_FRAGMENT);
    return;
  }
  cursor.offset = start + headerLength;
  const protocol = data[start + IPV4_PROTOCOL];
  cursor.protocol = protocol;
  // TCP straight away: the common case skips one dispatch round.
  cursor.next = protocol === IP_PROTOCOL_TCP ? Layer.tcp : Layer.ipProtocol;
}
