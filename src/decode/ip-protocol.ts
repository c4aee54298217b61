/**
 * What follows an IP header: the IANA "protocol numbers" registry value from IPv4's protocol
 * field or the last IPv6 next-header, after extension headers have been skipped.
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import { isExtensionHeader, skipExtensionHeaders } from './ipv6.ts';
import { type PacketView, Tunnel } from './packet-view.ts';
import { enterTunnel } from './tunnel.ts';

export const IpProtocol = {
  /** IPv4 inside IP (RFC 2003). */
  IPV4: 4,
  TCP: 6,
  UDP: 17,
  /** IPv6 inside IP (RFC 4213 6in4 / RFC 2473). */
  IPV6: 41,
  GRE: 47,
  ESP: 50,
  NO_NEXT_HEADER: 59,
  /** MPLS inside IP (RFC 4023). */
  MPLS_IN_IP: 137,
} as const;

export const PROBLEM_NOT_TCP = 'innermost IP payload is not TCP';

export function decodeIpProtocol(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  if (
    cursor.protocol !== IpProtocol.TCP &&
    isExtensionHeader(cursor.protocol, view.ipVersion) &&
    !skipExtensionHeaders(view, data, cursor)
  ) {
    return;
  }
  switch (cursor.protocol) {
    case IpProtocol.TCP:
      cursor.next = Layer.tcp;
      return;
    case IpProtocol.UDP:
      cursor.next = Layer.udp;
      return;
    case IpProtocol.GRE:
      cursor.next = Layer.gre;
      return;
    case IpProtocol.IPV4:
      if (enterTunnel(view, cursor, Tunnel.ipip, -1)) cursor.next = Layer.ipv4;
      return;
    case IpProtocol.IPV6:
      if (enterTunnel(view, cursor, Tunnel.ipip, -1)) cursor.next = Layer.ipv6;
      return;
    case IpProtocol.MPLS_IN_IP:
      cursor.next = Layer.mpls;
      return;
    default:
      // UDP-less datagrams, ICMP, ESP (encrypted), no-next-header, …
      stop(view, cursor, 'not-tcp', PROBLEM_NOT_TCP);
  }
}
