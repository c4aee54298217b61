/**
 * PPPoE session stage (RFC 2516, EtherType 0x8864) and the PPP header it carries (RFC 1661).
 * The same PPP decoder serves LINKTYPE_PPP 9 / PPP_HDLC 50 and PPP inside GRE (PPTP, RFC 2637).
 *
 * PPPoE discovery (0x8863) carries no IP and is left to the EtherType dispatch ('not-ip').
 */
import { u16 } from './bytes.ts';
import { type DecodeCursor, Layer, limitTo, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';
import { Tunnel } from './packet-view.ts';
import { enterTunnel } from './tunnel.ts';

// PPPoE header: version/type (0x11), code (0 in session stage), session id, payload length.
const PPPOE_VERSION_TYPE = 0;
const PPPOE_CODE = 1;
const PPPOE_SESSION_ID = 2;
const PPPOE_LENGTH = 4;
export const PPPOE_HEADER_LENGTH = 6;
const PPPOE_VERSION_TYPE_1_1 = 0x11;
const PPPOE_CODE_SESSION_DATA = 0x00;

// PPP: optional address/control 0xFF 0x03 (omitted with ACFC), protocol of 2 bytes, or 1 byte when
// protocol field compression is negotiated (RFC 1661 §6.5: a compressed protocol is odd).
const PPP_ADDRESS_ALL_STATIONS = 0xff;
const PPP_CONTROL_UI = 0x03;
const PPP_PROTOCOL_IPV4 = 0x0021;
const PPP_PROTOCOL_IPV6 = 0x0057;

export const PROBLEM_PPPOE_TRUNCATED = 'PPPoE header cut short';
export const PROBLEM_PPPOE_BAD = 'PPPoE version/type or code is not a session data frame';
export const PROBLEM_PPP_TRUNCATED = 'PPP header cut short';
export const PROBLEM_PPP_NOT_IP = 'PPP frame carries no IP';

export function decodePppoe(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < PPPOE_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_PPPOE_TRUNCATED);
    return;
  }
  if (
    data[start + PPPOE_VERSION_TYPE] !== PPPOE_VERSION_TYPE_1_1 ||
    data[start + PPPOE_CODE] !== PPPOE_CODE_SESSION_DATA
  ) {
    stop(view, cursor, 'malformed', PROBLEM_PPPOE_BAD);
    return;
  }
  if (!enterTunnel(view, cursor, Tunnel.pppoe, u16(data, start + PPPOE_SESSION_ID))) return;
  // The length excludes the PPPoE header; anything after it is Ethernet padding.
  limitTo(cursor, start + PPPOE_HEADER_LENGTH, u16(data, start + PPPOE_LENGTH));
  cursor.offset = start + PPPOE_HEADER_LENGTH;
  cursor.next = Layer.ppp;
}

export function decodePpp(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  let at = cursor.offset;
  const end = cursor.end;
  if (end - at >= 2 && data[at] === PPP_ADDRESS_ALL_STATIONS && data[at + 1] === PPP_CONTROL_UI) at += 2;
  if (end - at < 1) {
    stop(view, cursor, 'truncated', PROBLEM_PPP_TRUNCATED);
    return;
  }
  let protocol: number;
  if ((data[at] & 1) === 1) {
    protocol = data[at];
    at += 1;
  } else {
    if (end - at < 2) {
      stop(view, cursor, 'truncated', PROBLEM_PPP_TRUNCATED);
      return;
    }
    protocol = u16(data, at);
    at += 2;
  }
  cursor.offset = at;
  if (protocol === PPP_PROTOCOL_IPV4) cursor.next = Layer.ipv4;
  else if (protocol === PPP_PROTOCOL_IPV6) cursor.next = Layer.ipv6;
  else stop(view, cursor, 'not-ip', PROBLEM_PPP_NOT_IP);
}
