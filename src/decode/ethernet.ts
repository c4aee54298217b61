/**
 * Ethernet II / IEEE 802.3 frames and IEEE 802.1Q/802.1ad VLAN tags.
 *
 * The 2 bytes after the source MAC are an EtherType when >= 0x0600 and an 802.3 length when
 * <= 1500 (IEEE 802.3 clause 3.2.6); an 802.3 frame continues with an LLC header (llc.ts), which
 * may carry IP through SNAP. Values in between are invalid. Captures do not include the FCS in
 * general, and any trailer or padding after the IP packet is ignored by the IP layer's own length.
 */
import { u16 } from './bytes.ts';
import { advance, type DecodeCursor, Layer, limitTo, stop } from './cursor.ts';
import { dispatchEtherType, ETHERTYPE_MIN } from './ethertype.ts';
import { MAX_VLANS, type PacketView } from './packet-view.ts';

// Ethernet header field offsets.
const ETH_TYPE = 12;
export const ETH_HEADER_LENGTH = 14;

// 802.1Q tag, counted from the tag's TCI (the tag's own TPID is the previous type field).
const VLAN_TCI = 0;
const VLAN_TYPE = 2;
const VLAN_TAG_LENGTH = 4;
const VLAN_ID_MASK = 0x0fff;

/** Largest 802.3 length value; 1501..1535 are neither lengths nor EtherTypes. */
const MAX_8023_LENGTH = 1500;

export const PROBLEM_ETH_TRUNCATED = 'Ethernet header cut short';
export const PROBLEM_VLAN_TRUNCATED = '802.1Q tag cut short';
export const PROBLEM_TYPE_LENGTH = 'Ethernet type/length field is neither a length nor an EtherType';
export const PROBLEM_TOO_MANY_VLANS = 'VLAN stack deeper than MAX_VLANS';

export function decodeEthernet(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < ETH_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_ETH_TRUNCATED);
    return;
  }
  dispatchTypeOrLength(view, cursor, u16(data, start + ETH_TYPE), start + ETH_HEADER_LENGTH);
}

/** One 802.1Q / 802.1ad / 0x9100 tag: record its VLAN id, then follow its inner type. */
export function decodeVlanTag(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < VLAN_TAG_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_VLAN_TRUNCATED);
    return;
  }
  if (view.vlanCount >= MAX_VLANS) {
    stop(view, cursor, 'malformed', PROBLEM_TOO_MANY_VLANS);
    return;
  }
  view.vlanIds[view.vlanCount++] = u16(data, start + VLAN_TCI) & VLAN_ID_MASK;
  dispatchTypeOrLength(view, cursor, u16(data, start + VLAN_TYPE), start + VLAN_TAG_LENGTH);
}

/** EtherType, or an 802.3 length that bounds the LLC payload which follows. */
function dispatchTypeOrLength(
  view: PacketView,
  cursor: DecodeCursor,
  typeOrLength: number,
  offset: number,
): void {
  if (typeOrLength >= ETHERTYPE_MIN) {
    dispatchEtherType(view, cursor, typeOrLength, offset);
  } else if (typeOrLength <= MAX_8023_LENGTH) {
    limitTo(cursor, offset, typeOrLength);
    advance(cursor, Layer.llc, offset);
  } else {
    stop(view, cursor, 'malformed', PROBLEM_TYPE_LENGTH);
  }
}
