/**
 * IEEE 802.11 data frames, as Aruba controllers tunnel them in GRE (protocol types 0x8200-0x83F0)
 * and as LINKTYPE_IEEE802_11 (105) stores them. Only the MAC header is walked (IEEE 802.11-2020
 * §9.2.3): 24 bytes, +6 for the fourth address when both To DS and From DS are set, +2 for the QoS
 * control of QoS subtypes, +4 for the HT control when QoS and the +HTC/Order bit are set. The body
 * of an unprotected data frame is an LLC/SNAP header. Management/control frames, "null" data
 * frames (no body) and protected (encrypted) frames carry no readable IP.
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

const WLAN_FRAME_CONTROL = 0;
const WLAN_FLAGS = 1;
const WLAN_BASE_HEADER_LENGTH = 24;
const WLAN_ADDR4_LENGTH = 6;
const WLAN_QOS_LENGTH = 2;
const WLAN_HT_CONTROL_LENGTH = 4;

/** Frame control byte 0: protocol version (bits 0-1), type (bits 2-3), subtype (bits 4-7). */
const FC_TYPE_MASK = 0x0c;
const FC_TYPE_DATA = 0x08;
const FC_VERSION_MASK = 0x03;
/** Subtype bit 3 (0x80 in the byte): QoS; subtype bit 2 (0x40): no data body ("null"). */
const FC_SUBTYPE_QOS = 0x80;
const FC_SUBTYPE_NO_DATA = 0x40;
/** Flags byte. */
const FLAG_TO_DS = 0x01;
const FLAG_FROM_DS = 0x02;
const FLAG_PROTECTED = 0x40;
const FLAG_ORDER = 0x80;

export const PROBLEM_WLAN_TRUNCATED = '802.11 header cut short';
export const PROBLEM_WLAN_NOT_DATA = '802.11 frame carries no readable data (not data, null or protected)';

export function decodeWlan(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < 2) {
    stop(view, cursor, 'truncated', PROBLEM_WLAN_TRUNCATED);
    return;
  }
  const fc = data[start + WLAN_FRAME_CONTROL];
  const flags = data[start + WLAN_FLAGS];
  if (
    (fc & FC_VERSION_MASK) !== 0 ||
    (fc & FC_TYPE_MASK) !== FC_TYPE_DATA ||
    (fc & FC_SUBTYPE_NO_DATA) !== 0 ||
    (flags & FLAG_PROTECTED) !== 0
  ) {
    stop(view, cursor, 'not-ip', PROBLEM_WLAN_NOT_DATA);
    return;
  }
  let length = WLAN_BASE_HEADER_LENGTH;
  if ((flags & (FLAG_TO_DS | FLAG_FROM_DS)) === (FLAG_TO_DS | FLAG_FROM_DS)) length += WLAN_ADDR4_LENGTH;
  if ((fc & FC_SUBTYPE_QOS) !== 0) {
    length += WLAN_QOS_LENGTH;
    if ((flags & FLAG_ORDER) !== 0) length += WLAN_HT_CONTROL_LENGTH;
  }
  if (cursor.end - start < length) {
    stop(view, cursor, 'truncated', PROBLEM_WLAN_TRUNCATED);
    return;
  }
  cursor.offset = start + length;
  cursor.next = Layer.llc;
}
