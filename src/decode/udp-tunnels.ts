/**
 * UDP (RFC 768) and the tunnels that ride on it, chosen by well-known port as Wireshark and Zeek do:
 *
 * - VXLAN (RFC 7348), destination port 4789: 8-byte header, 24-bit VNI, inner Ethernet.
 * - VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe), destination port 4790: next-protocol byte chooses
 *   IPv4 / IPv6 / Ethernet / MPLS.
 * - GENEVE (RFC 8926), destination port 6081: 8-byte header + options (length in 4-byte units),
 *   protocol type is an EtherType (0x6558 for Ethernet).
 * - GTP-U (3GPP TS 29.281), port 2152 either way: G-PDU messages (type 255) carry an IP packet
 *   after the 8-byte header, the optional 4-byte sequence/N-PDU/next-extension word and a chain of
 *   extension headers (length in 4-byte units, last byte names the next one).
 * - Teredo (RFC 4380), port 3544 either way: optional authentication and origin indication
 *   headers, then IPv6.
 *
 * Tunnel ports are only matched on destination where the protocol fixes it (VXLAN, GENEVE: the
 * source port is a flow hash); any UDP datagram that is not a tunnel ends as 'not-tcp'.
 */
import { u16, u24, u32 } from './bytes.ts';
import { type DecodeCursor, Layer, limitTo, stop } from './cursor.ts';
import { dispatchEtherType, EtherType } from './ethertype.ts';
import { PROBLEM_NOT_TCP } from './ip-protocol.ts';
import { type PacketView, Tunnel } from './packet-view.ts';
import { enterTunnel } from './tunnel.ts';

const UDP_SOURCE_PORT = 0;
const UDP_DESTINATION_PORT = 2;
const UDP_LENGTH = 4;
export const UDP_HEADER_LENGTH = 8;

export const UdpPort = {
  GTP_U: 2152,
  TEREDO: 3544,
  VXLAN: 4789,
  VXLAN_GPE: 4790,
  GENEVE: 6081,
} as const;

// VXLAN / VXLAN-GPE: flags (1), reserved (2) or reserved (1) + next protocol (1), VNI (3), reserved (1).
const VXLAN_FLAGS = 0;
const VXLAN_GPE_NEXT_PROTOCOL = 3;
const VXLAN_VNI = 4;
const VXLAN_HEADER_LENGTH = 8;
const VXLAN_GPE_FLAG_NEXT_PROTOCOL = 0x04;
const GpeNext = { IPV4: 1, IPV6: 2, ETHERNET: 3, MPLS: 5 } as const;

// GENEVE: version (2 bits) + options length (6 bits, 4-byte units), flags, protocol type, VNI, reserved.
const GENEVE_VERSION_OPTIONS = 0;
const GENEVE_PROTOCOL = 2;
const GENEVE_VNI = 4;
const GENEVE_HEADER_LENGTH = 8;

// GTP-U: flags, message type, length, TEID; then optionally sequence (2), N-PDU (1), next ext (1).
const GTP_FLAGS = 0;
const GTP_MESSAGE_TYPE = 1;
const GTP_TEID = 4;
const GTP_HEADER_LENGTH = 8;
const GTP_OPTIONAL_LENGTH = 4;
const GTP_NEXT_EXTENSION = 11;
const GTP_VERSION_1 = 1;
const GTP_FLAG_PROTOCOL_TYPE_GTP = 0x10;
const GTP_FLAGS_OPTIONAL = 0x07; // E, S, PN: any of them means the 4 optional bytes are present
const GTP_FLAG_EXTENSION = 0x04;
const GTP_MESSAGE_G_PDU = 0xff;
/** More extension headers than 3GPP defines for one packet; beyond it the chain is hostile. */
const GTP_MAX_EXTENSIONS = 8;

// Teredo: indicator type (2); authentication: id length (1), auth length (1), id, auth, nonce (8),
// confirmation (1); origin indication: port (2), address (4).
const TEREDO_AUTHENTICATION = 0x0001;
const TEREDO_ORIGIN = 0x0000;
const TEREDO_AUTH_FIXED_LENGTH = 13;
const TEREDO_ORIGIN_LENGTH = 8;

export const PROBLEM_UDP_TRUNCATED = 'UDP header cut short';
export const PROBLEM_VXLAN_TRUNCATED = 'VXLAN header cut short';
export const PROBLEM_GENEVE_TRUNCATED = 'GENEVE header cut short';
export const PROBLEM_GENEVE_VERSION = 'GENEVE version is not 0';
export const PROBLEM_GTP_TRUNCATED = 'GTP-U header cut short';
export const PROBLEM_GTP_EXTENSION = 'GTP-U extension header has length 0 or the chain is too long';
export const PROBLEM_GTP_NOT_IP = 'GTP-U message is not a G-PDU carrying IP';
export const PROBLEM_TEREDO_TRUNCATED = 'Teredo indicator header cut short';
export const PROBLEM_TUNNEL_NOT_IP = 'tunnel payload carries no IP';

export function decodeUdp(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < UDP_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_UDP_TRUNCATED);
    return;
  }
  const sport = u16(data, start + UDP_SOURCE_PORT);
  const dport = u16(data, start + UDP_DESTINATION_PORT);
  const length = u16(data, start + UDP_LENGTH);
  // Length 0 is legal for IPv6 jumbograms; below 8 it is nonsense: keep the IP length then.
  if (length >= UDP_HEADER_LENGTH) limitTo(cursor, start, length);
  const payload = start + UDP_HEADER_LENGTH;
  if (dport === UdpPort.VXLAN) decodeVxlan(view, data, cursor, payload, false);
  else if (dport === UdpPort.VXLAN_GPE) decodeVxlan(view, data, cursor, payload, true);
  else if (dport === UdpPort.GENEVE) decodeGeneve(view, data, cursor, payload);
  else if (dport === UdpPort.GTP_U || sport === UdpPort.GTP_U) decodeGtpU(view, data, cursor, payload);
  else if (dport === UdpPort.TEREDO || sport === UdpPort.TEREDO) decodeTeredo(view, data, cursor, payload);
  else stop(view, cursor, 'not-tcp', PROBLEM_NOT_TCP);
}

function decodeVxlan(
  view: PacketView,
  data: Uint8Array,
  cursor: DecodeCursor,
  start: number,
  gpe: boolean,
): void {
  if (cursor.end - start < VXLAN_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_VXLAN_TRUNCATED);
    return;
  }
  if (!enterTunnel(view, cursor, Tunnel.vxlan, u24(data, start + VXLAN_VNI))) return;
  const inner = start + VXLAN_HEADER_LENGTH;
  cursor.offset = inner;
  if (!gpe || (data[start + VXLAN_FLAGS] & VXLAN_GPE_FLAG_NEXT_PROTOCOL) === 0) {
    cursor.next = Layer.ethernet;
    return;
  }
  switch (data[start + VXLAN_GPE_NEXT_PROTOCOL]) {
    case GpeNext.IPV4:
      cursor.next = Layer.ipv4;
      return;
    case GpeNext.IPV6:
      cursor.next = Layer.ipv6;
      return;
    case GpeNext.ETHERNET:
      cursor.next = Layer.ethernet;
      return;
    case GpeNext.MPLS:
      cursor.next = Layer.mpls;
      return;
    default:
      stop(view, cursor, 'not-ip', PROBLEM_TUNNEL_NOT_IP);
  }
}

function decodeGeneve(view: PacketView, data: Uint8Array, cursor: DecodeCursor, start: number): void {
  if (cursor.end - start < GENEVE_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_GENEVE_TRUNCATED);
    return;
  }
  const versionOptions = data[start + GENEVE_VERSION_OPTIONS];
  if (versionOptions >> 6 !== 0) {
    stop(view, cursor, 'malformed', PROBLEM_GENEVE_VERSION);
    return;
  }
  const headerLength = GENEVE_HEADER_LENGTH + ((versionOptions & 0x3f) << 2);
  if (cursor.end - start < headerLength) {
    stop(view, cursor, 'truncated', PROBLEM_GENEVE_TRUNCATED);
    return;
  }
  if (!enterTunnel(view, cursor, Tunnel.geneve, u24(data, start + GENEVE_VNI))) return;
  const protocol = u16(data, start + GENEVE_PROTOCOL);
  if (protocol === EtherType.TRANSPARENT_ETHERNET) {
    cursor.offset = start + headerLength;
    cursor.next = Layer.ethernet;
  } else {
    dispatchEtherType(view, cursor, protocol, start + headerLength);
  }
}

function decodeGtpU(view: PacketView, data: Uint8Array, cursor: DecodeCursor, start: number): void {
  const end = cursor.end;
  if (end - start < GTP_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_GTP_TRUNCATED);
    return;
  }
  const flags = data[start + GTP_FLAGS];
  if (
    flags >> 5 !== GTP_VERSION_1 ||
    (flags & GTP_FLAG_PROTOCOL_TYPE_GTP) === 0 ||
    data[start + GTP_MESSAGE_TYPE] !== GTP_MESSAGE_G_PDU
  ) {
    stop(view, cursor, 'not-ip', PROBLEM_GTP_NOT_IP);
    return;
  }
  let at = start + GTP_HEADER_LENGTH;
  if ((flags & GTP_FLAGS_OPTIONAL) !== 0) {
    if (end - start < GTP_HEADER_LENGTH + GTP_OPTIONAL_LENGTH) {
      stop(view, cursor, 'truncated', PROBLEM_GTP_TRUNCATED);
      return;
    }
    at += GTP_OPTIONAL_LENGTH;
    let nextExtension = (flags & GTP_FLAG_EXTENSION) !== 0 ? data[start + GTP_NEXT_EXTENSION] : 0;
    for (let count = 0; nextExtension !== 0; count++) {
      if (end - at < 1) {
        stop(view, cursor, 'truncated', PROBLEM_GTP_TRUNCATED);
        return;
      }
      const length = data[at] << 2;
      if (length === 0 || count === GTP_MAX_EXTENSIONS) {
        stop(view, cursor, 'malformed', PROBLEM_GTP_EXTENSION);
        return;
      }
      if (end - at < length) {
        stop(view, cursor, 'truncated', PROBLEM_GTP_TRUNCATED);
        return;
      }
      nextExtension = data[at + length - 1];
      at += length;
    }
  }
  if (!enterTunnel(view, cursor, Tunnel.gtp, u32(data, start + GTP_TEID))) return;
  cursor.offset = at;
  cursor.next = Layer.ipByVersion;
}

function decodeTeredo(view: PacketView, data: Uint8Array, cursor: DecodeCursor, start: number): void {
  const end = cursor.end;
  let at = start;
  if (end - at >= 4 && u16(data, at) === TEREDO_AUTHENTICATION) {
    at += TEREDO_AUTH_FIXED_LENGTH + data[at + 2] + data[at + 3];
  }
  if (end - at >= 2 && u16(data, at) === TEREDO_ORIGIN) at += TEREDO_ORIGIN_LENGTH;
  if (end - at < 2) {
    // An IPv6 header cannot start here; whatever was cut, the indicators or IPv6, is cut short.
    stop(view, cursor, 'truncated', PROBLEM_TEREDO_TRUNCATED);
    return;
  }
  // Teredo is sniffed by port only, so insist on an IPv6 version nibble before calling it a tunnel.
  if (data[at] >> 4 !== 6) {
    stop(view, cursor, 'not-tcp', PROBLEM_NOT_TCP);
    return;
  }
  if (!enterTunnel(view, cursor, Tunnel.teredo, -1)) return;
  cursor.offset = at;
  cursor.next = Layer.ipv6;
}
