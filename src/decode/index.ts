/**
 * Public API of the decoder: one frame in, the reused PacketView filled in.
 */

export { LinkType } from '../capture/link-types.ts';
export { formatAddress, formatEndpoint, type ParsedAddress, parseAddress } from './address.ts';
export { tcpChecksumOk } from './checksum.ts';
export { decodeFrame, MAX_LAYERS, SUPPORTED_LINK_TYPES } from './decode-frame.ts';
export { EtherType } from './ethertype.ts';
export { IpProtocol } from './ip-protocol.ts';
export { Ipv6Ext } from './ipv6.ts';
export {
  type DecodeStatus,
  MAX_OPTIONS,
  MAX_SACK_BLOCKS,
  MAX_TUNNELS,
  MAX_VLANS,
  PacketView,
  TcpFlag,
  Tunnel,
  type TunnelKind,
} from './packet-view.ts';
export { TcpOption } from './tcp-options.ts';
export { UdpPort } from './udp-tunnels.ts';
