/**
 * Cisco ERSPAN headers inside GRE (draft-foschiano-erspan-03), the mirrored frame follows.
 *
 * Type II (GRE 0x88BE with a sequence number), 8 bytes: version 1 (4 bits), VLAN (12), COS (3),
 * encapsulation type (2), truncated bit (1), session id (10), reserved (12), index (20).
 * Type III (GRE 0x22EB), 12 bytes: version 2, VLAN, COS, BSO, T, session id as above, a 32-bit
 * timestamp, then SGT (16), P (1), frame type (5), hardware id (6), D (1), granularity (2) and O
 * (1): O announces an 8-byte platform-specific subheader. Frame type 0 is Ethernet, 2 is IP.
 * Type I has no header at all (see gre.ts).
 */
import { u16 } from './bytes.ts';
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import { type PacketView, Tunnel } from './packet-view.ts';
import { enterTunnel } from './tunnel.ts';

const ERSPAN_VERSION = 0;
const ERSPAN_SESSION = 2;
const SESSION_ID_MASK = 0x03ff;
const ERSPAN_II_HEADER_LENGTH = 8;
const ERSPAN_III_HEADER_LENGTH = 12;
const ERSPAN_III_FRAME_TYPE = 10;
const ERSPAN_III_OPTIONAL = 11;
const ERSPAN_III_SUBHEADER_LENGTH = 8;
const VERSION_II = 1;
const VERSION_III = 2;
const FRAME_TYPE_ETHERNET = 0;
const FRAME_TYPE_IP = 2;
/** Recorded as the tunnel's variant: the ERSPAN type a reader knows (the header's version + 1). */
const ERSPAN_TYPE_II = 2;
const ERSPAN_TYPE_III = 3;

export const PROBLEM_ERSPAN_TRUNCATED = 'ERSPAN header cut short';
export const PROBLEM_ERSPAN_VERSION = 'ERSPAN version does not match the GRE protocol type';
export const PROBLEM_ERSPAN_FRAME_TYPE = 'ERSPAN type III frame type is neither Ethernet nor IP';

export function decodeErspan2(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < ERSPAN_II_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_ERSPAN_TRUNCATED);
    return;
  }
  if (data[start + ERSPAN_VERSION] >> 4 !== VERSION_II) {
    stop(view, cursor, 'malformed', PROBLEM_ERSPAN_VERSION);
    return;
  }
  const session = u16(data, start + ERSPAN_SESSION) & SESSION_ID_MASK;
  if (!enterTunnel(view, cursor, Tunnel.erspan, session, ERSPAN_TYPE_II)) return;
  cursor.offset = start + ERSPAN_II_HEADER_LENGTH;
  cursor.next = Layer.ethernet;
}

export function decodeErspan3(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < ERSPAN_III_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_ERSPAN_TRUNCATED);
    return;
  }
  if (data[start + ERSPAN_VERSION] >> 4 !== VERSION_III) {
    stop(view, cursor, 'malformed', PROBLEM_ERSPAN_VERSION);
    return;
  }
  let length = ERSPAN_III_HEADER_LENGTH;
  if ((data[start + ERSPAN_III_OPTIONAL] & 0x01) !== 0) length += ERSPAN_III_SUBHEADER_LENGTH;
  if (cursor.end - start < length) {
    stop(view, cursor, 'truncated', PROBLEM_ERSPAN_TRUNCATED);
    return;
  }
  const frameType = (data[start + ERSPAN_III_FRAME_TYPE] >> 2) & 0x1f;
  if (frameType !== FRAME_TYPE_ETHERNET && frameType !== FRAME_TYPE_IP) {
    stop(view, cursor, 'malformed', PROBLEM_ERSPAN_FRAME_TYPE);
    return;
  }
  const session = u16(data, start + ERSPAN_SESSION) & SESSION_ID_MASK;
  if (!enterTunnel(view, cursor, Tunnel.erspan, session, ERSPAN_TYPE_III)) return;
  cursor.offset = start + length;
  cursor.next = frameType === FRAME_TYPE_ETHERNET ? Layer.ethernet : Layer.ipByVersion;
}
