/**
 * GRE (RFC 2784 with RFC 2890's key and sequence number; RFC 1701's routing field tolerated) and
 * the enhanced GRE of PPTP (version 1, RFC 2637 §4.1).
 *
 * Header: flags/version (2), protocol type (2), then optional 4-byte words in this order:
 * checksum+reserved (C, or R in RFC 1701), key (K), sequence number (S), RFC 1701 source route
 * entries (R) ending with a NULL entry; PPTP adds an acknowledgement number (A).
 *
 * The protocol type is an EtherType, plus a few GRE-only values: 0x6558 bridged Ethernet,
 * 0x88BE ERSPAN type II (type I when the sequence bit is clear: bare Ethernet follows, as
 * Wireshark decides), 0x22EB ERSPAN type III, 0x880B PPP, and Aruba's 0x8200-0x83F0 which carry
 * 802.11 frames from access points to the controller.
 */
import { u16, u32 } from './bytes.ts';
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import { dispatchEtherType, EtherType } from './ethertype.ts';
import { type PacketView, Tunnel } from './packet-view.ts';
import { enterTunnel } from './tunnel.ts';

const GRE_FLAGS_VERSION = 0;
const GRE_PROTOCOL = 2;
const GRE_BASE_HEADER_LENGTH = 4;
const GRE_WORD = 4;

const FLAG_CHECKSUM = 0x8000;
const FLAG_ROUTING = 0x4000;
const FLAG_KEY = 0x2000;
const FLAG_SEQUENCE = 0x1000;
/** PPTP's acknowledgement-present bit (RFC 2637 §4.1). */
const FLAG_ACK = 0x0080;
const VERSION_MASK = 0x0007;
const VERSION_GRE = 0;
const VERSION_PPTP = 1;
/** Tunnel variant recorded for ERSPAN without a header (see erspan.ts for types II and III). */
const ERSPAN_TYPE_I = 1;

// RFC 1701 source route entry: address family (2), SRE offset (1), SRE length (1), routing info.
const SRE_LENGTH = 3;
const SRE_HEADER_LENGTH = 4;

/** Aruba "GRE_ARUBA_82x0" protocol types (Wireshark packet-gre.h, Zeek's GRE analyzer). */
const ARUBA_MASK = 0xfe0f;
const ARUBA_BASE = 0x8200;

export const PROBLEM_GRE_TRUNCATED = 'GRE header cut short';
export const PROBLEM_GRE_VERSION = 'GRE version is neither 0 (GRE) nor 1 (PPTP)';
export const PROBLEM_GRE_NOT_IP = 'GRE payload carries no IP';

export function decodeGre(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  const end = cursor.end;
  if (end - start < GRE_BASE_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_GRE_TRUNCATED);
    return;
  }
  const flags = u16(data, start + GRE_FLAGS_VERSION);
  const protocol = u16(data, start + GRE_PROTOCOL);
  const version = flags & VERSION_MASK;
  if (version !== VERSION_GRE && version !== VERSION_PPTP) {
    stop(view, cursor, 'malformed', PROBLEM_GRE_VERSION);
    return;
  }
  let at = start + GRE_BASE_HEADER_LENGTH;
  if ((flags & (FLAG_CHECKSUM | FLAG_ROUTING)) !== 0) at += GRE_WORD;
  let key = -1;
  if ((flags & FLAG_KEY) !== 0) {
    if (end - at < GRE_WORD) {
      stop(view, cursor, 'truncated', PROBLEM_GRE_TRUNCATED);
      return;
    }
    // PPTP puts payload length and call id in the key word; the call id identifies the session.
    key = version === VERSION_PPTP ? u16(data, at + 2) : u32(data, at);
    at += GRE_WORD;
  }
  if ((flags & FLAG_SEQUENCE) !== 0) at += GRE_WORD;
  if (version === VERSION_PPTP && (flags & FLAG_ACK) !== 0) at += GRE_WORD;
  if ((flags & FLAG_ROUTING) !== 0) {
    // Walk source route entries to the NULL one; each consumes bytes, so the loop ends.
    for (;;) {
      if (end - at < SRE_HEADER_LENGTH) {
        stop(view, cursor, 'truncated', PROBLEM_GRE_TRUNCATED);
        return;
      }
      const sreLength = data[at + SRE_LENGTH];
      const family = u16(data, at);
      at += SRE_HEADER_LENGTH + sreLength;
      if (sreLength === 0 && family === 0) break;
    }
  }
  if (at > end) {
    stop(view, cursor, 'truncated', PROBLEM_GRE_TRUNCATED);
    return;
  }
  if (!enterTunnel(view, cursor, Tunnel.gre, key, version)) return;
  cursor.offset = at;
  switch (protocol) {
    case EtherType.TRANSPARENT_ETHERNET:
      cursor.next = Layer.ethernet;
      return;
    case EtherType.ERSPAN_II:
      if ((flags & FLAG_SEQUENCE) !== 0) {
        cursor.next = Layer.erspan2;
      } else if (enterTunnel(view, cursor, Tunnel.erspan, -1, ERSPAN_TYPE_I)) {
        // ERSPAN type I: no header of its own (no session id), the mirrored frame follows.
        cursor.next = Layer.ethernet;
      }
      return;
    case EtherType.ERSPAN_III:
      cursor.next = Layer.erspan3;
      return;
    case EtherType.PPP:
      cursor.next = Layer.ppp;
      return;
    default:
      if ((protocol & ARUBA_MASK) === ARUBA_BASE) cursor.next = Layer.wlan;
      else dispatchEtherType(view, cursor, protocol, at);
  }
}
