/**
 * IEEE 802.2 LLC header, and SNAP (RFC 1042) which puts an EtherType behind it. This is how IP
 * travels over 802.3 frames with a length field, FDDI, Token Ring and 802.11.
 */
import { u16, u24 } from './bytes.ts';
import { advance, type DecodeCursor, Layer, stop } from './cursor.ts';
import { dispatchEtherType } from './ethertype.ts';
import type { PacketView } from './packet-view.ts';

// LLC header: DSAP, SSAP, control (1 byte for the unnumbered frames that carry data).
const LLC_DSAP = 0;
const LLC_SSAP = 1;
const LLC_CONTROL = 2;
const LLC_HEADER_LENGTH = 3;
// SNAP follows the LLC header: 3-byte OUI then a 2-byte EtherType.
const SNAP_OUI = 3;
const SNAP_TYPE = 6;
const SNAP_HEADER_LENGTH = 8;

const SAP_SNAP = 0xaa;
/** SAP assigned to IPv4 (RFC 948 style, seldom used but valid). */
const SAP_IP = 0x06;
/** Unnumbered Information, the only LLC frame type that carries datagrams. */
const CONTROL_UI = 0x03;
/** OUIs whose SNAP protocol id is an EtherType: RFC 1042 (0) and 802.1H bridge tunnel. */
const OUI_ENCAPSULATED_ETHERNET = 0x000000;
const OUI_BRIDGE_TUNNEL = 0x0000f8;

export const PROBLEM_LLC_TRUNCATED = 'LLC header cut short';
export const PROBLEM_SNAP_TRUNCATED = 'SNAP header cut short';
export const PROBLEM_LLC_NOT_IP = 'LLC frame carries no IP';

export function decodeLlc(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < LLC_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_LLC_TRUNCATED);
    return;
  }
  const dsap = data[start + LLC_DSAP];
  const ssap = data[start + LLC_SSAP];
  const control = data[start + LLC_CONTROL];
  if (dsap === SAP_SNAP && ssap === SAP_SNAP && control === CONTROL_UI) {
    if (cursor.end - start < SNAP_HEADER_LENGTH) {
      stop(view, cursor, 'truncated', PROBLEM_SNAP_TRUNCATED);
      return;
    }
    const oui = u24(data, start + SNAP_OUI);
    if (oui === OUI_ENCAPSULATED_ETHERNET || oui === OUI_BRIDGE_TUNNEL) {
      dispatchEtherType(view, cursor, u16(data, start + SNAP_TYPE), start + SNAP_HEADER_LENGTH);
      return;
    }
  } else if (dsap === SAP_IP && ssap === SAP_IP && control === CONTROL_UI) {
    advance(cursor, Layer.ipv4, start + LLC_HEADER_LENGTH);
    return;
  }
  stop(view, cursor, 'not-ip', PROBLEM_LLC_NOT_IP);
}
