/**
 * decodeFrame: one captured frame → the reused PacketView. The hot path of the whole tool.
 *
 * The link layer chosen by the LINKTYPE starts the walk; then each protocol file says which layer
 * comes next (cursor.ts) and this loop calls it, until TCP is decoded or a layer stops the walk
 * with a status. No recursion, no allocation, no exception on any input: every read is preceded
 * by a length check against the cursor's end, and every loop (VLAN tags, tunnels, extension
 * headers, MPLS labels, options) has a bound.
 */
import { LinkType } from '../capture/link-types.ts';
import { decodeCiscoHdlc } from './cisco-hdlc.ts';
import { DecodeCursor, Layer, type LayerId, stop } from './cursor.ts';
import { decodeErspan2, decodeErspan3 } from './erspan.ts';
import { decodeEthernet, decodeVlanTag } from './ethernet.ts';
import { decodeFddi } from './fddi.ts';
import { decodeGre } from './gre.ts';
import { decodeIpProtocol } from './ip-protocol.ts';
import { decodeIpv4 } from './ipv4.ts';
import { decodeIpv6 } from './ipv6.ts';
import { decodeLinuxSll } from './linux-sll.ts';
import { decodeLinuxSll2 } from './linux-sll2.ts';
import { decodeLlc } from './llc.ts';
import { decodeMpls } from './mpls.ts';
import { decodeNullLoopback } from './null-loopback.ts';
import type { PacketView } from './packet-view.ts';
import { decodePflog } from './pflog.ts';
import { decodePpp, decodePppoe } from './pppoe.ts';
import { decodeIpByVersion } from './raw-ip.ts';
import { decodeTcp } from './tcp.ts';
import { decodeUdp } from './udp-tunnels.ts';
import { decodeWlan } from './wlan.ts';

export const PROBLEM_UNSUPPORTED_LINK = 'link type not decoded';
export const PROBLEM_BAD_BOUNDS = 'frame offset/length outside the buffer';
export const PROBLEM_TOO_MANY_LAYERS = 'more layers than MAX_LAYERS';

/**
 * Upper bound on layers per frame. Each bounded construct already ends on its own (MAX_VLANS,
 * MAX_TUNNELS, extension headers, labels); this is a last guard so that no future dispatch mistake
 * can turn into an endless loop.
 */
export const MAX_LAYERS = 64;

/** LINKTYPE_* values decodeFrame understands; any other ends as 'unsupported-link'. */
export const SUPPORTED_LINK_TYPES: readonly number[] = [
  LinkType.NULL,
  LinkType.ETHERNET,
  LinkType.PPP,
  LinkType.FDDI,
  LinkType.RAW_BSD,
  LinkType.RAW_OPENBSD,
  LinkType.PPP_HDLC,
  LinkType.PPP_ETHER,
  LinkType.RAW,
  LinkType.C_HDLC,
  LinkType.IEEE802_11,
  LinkType.LOOP,
  LinkType.LINUX_SLL,
  LinkType.PFLOG,
  LinkType.IPV4,
  LinkType.IPV6,
  LinkType.LINUX_SLL2,
];

const cursor = new DecodeCursor();

/**
 * Decode data[offset, offset + length) captured on `linkType` into `view` (cleared first).
 * Afterwards view.status says what was found; IP and TCP fields hold the innermost headers.
 *
 * `originalLength` (the record's length on the wire, optional) bounds what IP length fields may
 * claim: with it, a corrupt total length gives the same tcp.len as tshark, and a TSO frame (IPv4
 * total length 0) cut by the snaplen still gets its true payload length.
 */
export function decodeFrame(
  view: PacketView,
  data: Uint8Array,
  offset: number,
  length: number,
  linkType: number,
  originalLength = -1,
): void {
  view.clear();
  view.linkType = linkType;
  const c = cursor;
  c.next = Layer.done;
  if (!(offset >= 0 && length >= 0 && offset + length <= data.length)) {
    stop(view, c, 'truncated', PROBLEM_BAD_BOUNDS);
    return;
  }
  c.offset = offset;
  c.end = offset + length;
  if (originalLength >= length) {
    c.wireEnd = offset + originalLength;
    c.claimedEnd = c.wireEnd;
  } else {
    c.wireEnd = Number.MAX_SAFE_INTEGER;
    c.claimedEnd = c.end;
  }
  c.protocol = 0;
  c.carrierIpOffset = -1;

  switch (linkType) {
    case LinkType.ETHERNET:
      decodeEthernet(view, data, c);
      break;
    case LinkType.LINUX_SLL:
      decodeLinuxSll(view, data, c);
      break;
    case LinkType.LINUX_SLL2:
      decodeLinuxSll2(view, data, c);
      break;
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
      c.next = Layer.ipByVersion;
      break;
    case LinkType.IPV4:
      c.next = Layer.ipv4;
      break;
    case LinkType.IPV6:
      c.next = Layer.ipv6;
      break;
    case LinkType.NULL:
    case LinkType.LOOP:
      decodeNullLoopback(view, data, c);
      break;
    case LinkType.FDDI:
      decodeFddi(view, data, c);
      break;
    case LinkType.PPP:
    case LinkType.PPP_HDLC:
      c.next = Layer.ppp;
      break;
    case LinkType.PPP_ETHER:
      c.next = Layer.pppoe;
      break;
    case LinkType.IEEE802_11:
      c.next = Layer.wlan;
      break;
    case LinkType.PFLOG:
      decodePflog(view, data, c);
      break;
    case LinkType.C_HDLC:
      decodeCiscoHdlc(view, data, c);
      break;
    default:
      stop(view, c, 'unsupported-link', PROBLEM_UNSUPPORTED_LINK);
      return;
  }

  for (let layers = 0; c.next !== Layer.done; layers++) {
    if (layers === MAX_LAYERS) {
      stop(view, c, 'malformed', PROBLEM_TOO_MANY_LAYERS);
      return;
    }
    switch (c.next as LayerId) {
      case Layer.ipv4:
        decodeIpv4(view, data, c);
        break;
      case Layer.ipProtocol:
        decodeIpProtocol(view, data, c);
        break;
      case Layer.tcp:
        decodeTcp(view, data, c);
        break;
      case Layer.ipv6:
        decodeIpv6(view, data, c);
        break;
      case Layer.vlan:
        decodeVlanTag(view, data, c);
        break;
      case Layer.ethernet:
        decodeEthernet(view, data, c);
        break;
      case Layer.ipByVersion:
        decodeIpByVersion(view, data, c);
        break;
      case Layer.udp:
        decodeUdp(view, data, c);
        break;
      case Layer.llc:
        decodeLlc(view, data, c);
        break;
      case Layer.gre:
        decodeGre(view, data, c);
        break;
      case Layer.erspan2:
        decodeErspan2(view, data, c);
        break;
      case Layer.erspan3:
        decodeErspan3(view, data, c);
        break;
      case Layer.mpls:
        decodeMpls(view, data, c);
        break;
      case Layer.pppoe:
        decodePppoe(view, data, c);
        break;
      case Layer.ppp:
        decodePpp(view, data, c);
        break;
      case Layer.wlan:
        decodeWlan(view, data, c);
        break;
      default:
        stop(view, c, 'malformed', PROBLEM_TOO_MANY_LAYERS);
        return;
    }
  }
}
