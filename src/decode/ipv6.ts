/**
 * IPv6 header (RFC 8200) and its extension header chain.
 *
 * The fixed header fills the view's IP fields (inner headers overwrite outer ones). The chain is
 * walked with a bound (MAX_EXTENSION_HEADERS) so a crafted endless chain ends. Most extension
 * headers give their length in 8-octet units not counting the first 8 octets (RFC 8200 §4.3-4.6);
 * AH counts 4-octet units minus 2 (RFC 4302 §2.2), and the fragment header is always 8 bytes.
 * Only the first fragment (offset 0) can hold the TCP header.
 *
 * A payload length of 0 means a jumbogram (RFC 2675) or a TSO capture; either way the packet runs
 * to the end of the enclosing layer.
 */
import { u16, u32 } from './bytes.ts';
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

const IPV6_VERSION_CLASS_FLOW = 0;
const IPV6_PAYLOAD_LENGTH = 4;
const IPV6_NEXT_HEADER = 6;
const IPV6_HOP_LIMIT = 7;
const IPV6_SOURCE = 8;
const IPV6_DESTINATION = 24;
export const IPV6_HEADER_LENGTH = 40;
const IP_PROTOCOL_TCP = 6;

// Generic extension header: next header, length; fragment header: offset/flags and id.
const EXT_NEXT_HEADER = 0;
const EXT_LENGTH = 1;
const FRAGMENT_OFFSET_FLAGS = 2;
const FRAGMENT_IDENTIFICATION = 4;
const FRAGMENT_HEADER_LENGTH = 8;

/** IP protocol numbers that are IPv6 extension headers (IANA, RFC 7045). */
export const IpProtocolExt = {
  HOP_BY_HOP: 0,
  ROUTING: 43,
  FRAGMENT: 44,
  AUTHENTICATION: 51,
  DESTINATION_OPTIONS: 60,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
} as const;

/** Bits of PacketView.ipv6ExtHeaders. */
export const Ipv6Ext = {
  hopByHop: 1,
  routing: 2,
  fragment: 4,
  destinationOptions: 8,
  authentication: 16,
} as const;

/** More extension headers than any real stack sends; beyond this the chain is treated as hostile. */
export const MAX_EXTENSION_HEADERS = 8;

export const PROBLEM_IPV6_TRUNCATED = 'IPv6 header cut short';
export const PROBLEM_IPV6_VERSION = 'IPv6 header version is not 6';
export const PROBLEM_EXT_TRUNCATED = 'IPv6 extension header cut short';
export const PROBLEM_EXT_TOO_MANY = 'IPv6 extension header chain longer than MAX_EXTENSION_HEADERS';
export const PROBLEM_EXT_BEYOND_PAYLOAD = 'IPv6 extension header runs past the payload length';
export const PROBLEM_IPV6_FRAGMENT = 'IPv6 non-first fragment (no TCP header)';

export function decodeIpv6(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  const end = cursor.end;
  if (end - start < IPV6_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_IPV6_TRUNCATED);
    return;
  }
  const first = u32(data, start + IPV6_VERSION_CLASS_FLOW);
  if (first >>> 28 !== 6) {
    stop(view, cursor, 'malformed', PROBLEM_IPV6_VERSION);
    return;
  }
  view.ipVersion = 6;
  view.ipOffset = start;
  view.tos = (first >>> 20) & 0xff;
  view.ttl = data[start + IPV6_HOP_LIMIT];
  view.ipId = -1;
  view.dontFragment = false;
  view.isFragment = false;
  view.ipOptionsLength = 0;
  view.ipv6ExtHeaders = 0;
  const src = view.src;
  const dst = view.dst;
  for (let i = 0; i < 4; i++) {
    src[i] = u32(data, start + IPV6_SOURCE + 4 * i);
    dst[i] = u32(data, start + IPV6_DESTINATION + 4 * i);
  }
  const payloadLength = u16(data, start + IPV6_PAYLOAD_LENGTH);
  if (payloadLength !== 0) {
    const packetEnd = start + IPV6_HEADER_LENGTH + payloadLength;
    cursor.claimedEnd = Math.min(packetEnd, cursor.wireEnd);
    if (packetEnd < end) cursor.end = packetEnd;
  }
  cursor.offset = start + IPV6_HEADER_LENGTH;
  const nextHeader = data[start + IPV6_NEXT_HEADER];
  cursor.protocol = nextHeader;
  // TCP straight away: the common case skips one dispatch round.
  cursor.next = nextHeader === IP_PROTOCOL_TCP ? Layer.tcp : Layer.ipProtocol;
}

/** Is `protocol` an extension header that the chain walker skips (rather than an upper layer)? */
export function isExtensionHeader(protocol: number, ipVersion: number): boolean {
  if (protocol === IpProtocolExt.AUTHENTICATION) return true; // AH follows IPv4 headers too
  if (ipVersion !== 6) return false;
  return (
    protocol === IpProtocolExt.HOP_BY_HOP ||
    protocol === IpProtocolExt.ROUTING ||
    protocol === IpProtocolExt.FRAGMENT ||
    protocol === IpProtocolExt.DESTINATION_OPTIONS ||
    protocol === IpProtocolExt.MOBILITY ||
    protocol === IpProtocolExt.HIP ||
    protocol === IpProtocolExt.SHIM6
  );
}

/**
 * Skip the extension headers starting at cursor.offset with cursor.protocol, leaving the cursor on
 * the upper-layer header and its protocol number. Returns false when the walk was stopped
 * (truncated, malformed, non-first fragment).
 */
export function skipExtensionHeaders(view: PacketView, data: Uint8Array, cursor: DecodeCursor): boolean {
  let at = cursor.offset;
  let protocol = cursor.protocol;
  const end = cursor.end;
  for (let count = 0; isExtensionHeader(protocol, view.ipVersion); count++) {
    if (count === MAX_EXTENSION_HEADERS) {
      stop(view, cursor, 'malformed', PROBLEM_EXT_TOO_MANY);
      return false;
    }
    if (end - at < 2) {
      stop(view, cursor, 'truncated', PROBLEM_EXT_TRUNCATED);
      return false;
    }
    let length: number;
    if (protocol === IpProtocolExt.FRAGMENT) {
      length = FRAGMENT_HEADER_LENGTH;
      if (end - at < length) {
        stop(view, cursor, 'truncated', PROBLEM_EXT_TRUNCATED);
        return false;
      }
      view.ipv6ExtHeaders |= Ipv6Ext.fragment;
      const offsetFlags = u16(data, at + FRAGMENT_OFFSET_FLAGS);
      view.isFragment = true;
      view.ipId = u32(data, at + FRAGMENT_IDENTIFICATION);
      if (offsetFlags >>> 3 !== 0) {
        stop(view, cursor, 'fragment', PROBLEM_IPV6_FRAGMENT);
        return false;
      }
      // Offset 0: a first fragment, or an atomic fragment (RFC 6946): the TCP header follows.
    } else if (protocol === IpProtocolExt.AUTHENTICATION) {
      length = (data[at + EXT_LENGTH] + 2) << 2;
      view.ipv6ExtHeaders |= Ipv6Ext.authentication;
    } else {
      length = (data[at + EXT_LENGTH] + 1) << 3;
      if (protocol === IpProtocolExt.HOP_BY_HOP) view.ipv6ExtHeaders |= Ipv6Ext.hopByHop;
      else if (protocol === IpProtocolExt.ROUTING) view.ipv6ExtHeaders |= Ipv6Ext.routing;
      else if (protocol === IpProtocolExt.DESTINATION_OPTIONS)
        view.ipv6ExtHeaders |= Ipv6Ext.destinationOptions;
    }
    if (at + length > cursor.claimedEnd) {
      stop(view, cursor, 'malformed', PROBLEM_EXT_BEYOND_PAYLOAD);
      return false;
    }
    if (end - at < length) {
      stop(view, cursor, 'truncated', PROBLEM_EXT_TRUNCATED);
      return false;
    }
    protocol = data[at + EXT_NEXT_HEADER];
    at += length;
  }
  cursor.offset = at;
  cursor.protocol = protocol;
  return true;
}
