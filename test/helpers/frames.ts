/**
 * Builder of synthetic frames for tests: correct lengths and checksums, any supported link type,
 * VLAN tags and tunnels. Test-only code: it allocates freely and throws on a bad spec.
 *
 *   const { bytes, linkType } = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1234,
 *     dport: 80, seq: 1, ack: 0, flags: 'S', options: { mss: 1460, sackPerm: true } });
 *
 * The lower-level builders (ipv4Packet, ipv6Packet, udpDatagram, ethernetFrame, linkFrame, …) are
 * exported for tests that need odd packets the one-call builder does not make.
 */
import { parseAddress } from '../../src/decode/address.ts';

export type Link = 'ether' | 'raw' | 'sll' | 'sll2' | 'null' | 'loop';
export type TunnelSpec =
  | 'vxlan'
  | 'gre'
  | 'ipip'
  | '6in4'
  | 'geneve'
  | 'erspan2'
  | 'erspan3'
  | 'gtp'
  | 'teredo';

export interface TcpOptionsSpec {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  /** [TSval, TSecr] */
  ts?: [number, number];
  /** [[left, right], …] */
  sack?: [number, number][];
  md5?: boolean;
  ao?: boolean;
  /** MPTCP subtype (0 MP_CAPABLE, 1 MP_JOIN, 2 DSS, …). */
  mptcp?: number;
  /** Fast Open (kind 34) cookie; an empty array is a cookie request. */
  fastOpen?: number[];
  /** Appended as is (after the options above, before padding). */
  raw?: number[];
  /** Do not pad the option bytes to a multiple of 4 with NOP... leave it to the test (raw use). */
  noPad?: boolean;
}

export interface TcpFrameSpec {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  /** Letters F S R P A U E C N (N = AE, formerly NS), e.g. 'SA', 'R', 'RA', 'PA'. */
  flags?: string;
  window?: number;
  urgentPointer?: number;
  /** The 3 reserved bits of the TCP header (0..7). */
  reservedBits?: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl?: number;
  /** IPv4 identification. */
  ipId?: number;
  tos?: number;
  /** IPv4 don't-fragment (default true, as Linux sends TCP). */
  df?: boolean;
  payload?: Uint8Array | string;
  options?: TcpOptionsSpec;
  /** VLAN ids of the outermost Ethernet header, outermost first (0x8100 tags). */
  vlan?: number[];
  link?: Link;
  tunnel?: TunnelSpec;
  /** VNI / GRE key / ERSPAN session / TEID of the tunnel (defaults per tunnel). */
  tunnelId?: number;
  /** Outer IP addresses of a tunnel (default 192.0.2.1 → 192.0.2.2). */
  outer?: { src: string; dst: string };
  /** Store a wrong TCP checksum (checksum offload captures). */
  badChecksum?: boolean;
}

export interface BuiltFrame {
  bytes: Uint8Array;
  linkType: number;
}

const LINKTYPE = { ether: 1, raw: 101, sll: 113, sll2: 276, null: 0, loop: 108 } as const;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

// ---------------------------------------------------------------- bytes

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function be16(value: number): number[] {
  return [(value >>> 8) & 0xff, value & 0xff];
}

export function be32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function toBytes(payload: Uint8Array | string | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}

/** Internet checksum (RFC 1071) of `bytes`, starting from a partial sum. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// ---------------------------------------------------------------- addresses

export interface Address {
  version: 4 | 6;
  bytes: Uint8Array;
}

export function address(text: string): Address {
  const parsed = parseAddress(text);
  if (parsed === null) throw new Error(`not an address: ${text}`);
  const words = parsed.version === 4 ? [parsed.words[0]] : Array.from(parsed.words);
  return { version: parsed.version, bytes: concat(...words.map(be32)) };
}

function pseudoHeaderSum(src: Address, dst: Address, protocol: number, length: number): number {
  let sum = 0;
  const add = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) | b[i + 1];
  };
  add(src.bytes);
  add(dst.bytes);
  if (src.version === 4) sum += protocol + length;
  else sum += (length >>> 16) + (length & 0xffff) + protocol;
  return sum;
}

// ---------------------------------------------------------------- TCP

const FLAG_BITS: Record<string, number> = {
  F: 0x01,
  S: 0x02,
  R: 0x04,
  P: 0x08,
  A: 0x10,
  U: 0x20,
  E: 0x40,
  C: 0x80,
  N: 0x100,
};

export function tcpFlags(letters: string): number {
  let flags = 0;
  for (const letter of letters) {
    const bit = FLAG_BITS[letter];
    if (bit === undefined) throw new Error(`unknown TCP flag letter ${letter}`);
    flags |= bit;
  }
  return flags;
}

export function tcpOptionBytes(o: TcpOptionsSpec | undefined): number[] {
  if (o === undefined) return [];
  const out: number[] = [];
  if (o.mss !== undefined) out.push(2, 4, ...be16(o.mss));
  // Linux packs SACK-permitted and timestamps together without NOPs (tcp_options_write).
  if (o.sackPerm && o.ts !== undefined) out.push(4, 2, 8, 10, ...be32(o.ts[0]), ...be32(o.ts[1]));
  else if (o.ts !== undefined) out.push(1, 1, 8, 10, ...be32(o.ts[0]), ...be32(o.ts[1]));
  else if (o.sackPerm) out.push(1, 1, 4, 2);
  if (o.wscale !== undefined) out.push(1, 3, 3, o.wscale);
  if (o.sack !== undefined) {
    out.push(1, 1, 5, 2 + 8 * o.sack.length);
    for (const [l, r] of o.sack) out.push(...be32(l), ...be32(r));
  }
  if (o.md5) out.push(19, 18, ...new Array(16).fill(0xaa));
  if (o.ao) out.push(29, 16, 1, 2, ...new Array(12).fill(0xbb));
  if (o.mptcp !== undefined) out.push(30, 4, (o.mptcp << 4) | (o.mptcp === 0 ? 1 : 0), 0);
  if (o.fastOpen !== undefined) out.push(34, 2 + o.fastOpen.length, ...o.fastOpen);
  if (o.raw !== undefined) out.push(...o.raw);
  if (!o.noPad) while (out.length % 4 !== 0) out.push(0);
  if (out.length > 40) throw new Error(`TCP options too long: ${out.length} bytes`);
  return out;
}

/** A TCP segment (header, options, payload) with its checksum over the given addresses. */
export function tcpSegment(spec: TcpFrameSpec, src: Address, dst: Address): Uint8Array {
  const options = tcpOptionBytes(spec.options);
  const headerLength = 20 + options.length;
  if (headerLength % 4 !== 0) throw new Error('TCP options must be a multiple of 4 bytes (use raw NOPs)');
  const flags = tcpFlags(spec.flags ?? 'A');
  const payload = toBytes(spec.payload);
  const segment = concat(
    be16(spec.sport ?? 40000),
    be16(spec.dport ?? 80),
    be32(spec.seq ?? 1000),
    be32(spec.ack ?? 0),
    [((headerLength / 4) << 4) | ((spec.reservedBits ?? 0) << 1) | (flags >> 8), flags & 0xff],
    be16(spec.window ?? 65535),
    [0, 0],
    be16(spec.urgentPointer ?? 0),
    options,
    payload,
  );
  let checksum = internetChecksum(segment, pseudoHeaderSum(src, dst, 6, segment.length));
  if (spec.badChecksum) checksum ^= 0x5a5a;
  segment.set(be16(checksum), 16);
  return segment;
}

// ---------------------------------------------------------------- IP

export interface Ipv4Spec {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
  tos?: number;
  df?: boolean;
  mf?: boolean;
  /** In 8-byte units. */
  fragmentOffset?: number;
  /** IPv4 option bytes (padded to 4 with EOL). */
  options?: number[];
  /** Override the total length field (0 for TSO captures, or a lie). */
  totalLength?: number;
}

export function ipv4Packet(s: Ipv4Spec): Uint8Array {
  const options = [...(s.options ?? [])];
  while (options.length % 4 !== 0) options.push(0);
  const headerLength = 20 + options.length;
  const flagsFragment = (s.df ? 0x4000 : 0) | (s.mf ? 0x2000 : 0) | (s.fragmentOffset ?? 0);
  const header = concat(
    [0x40 | (headerLength / 4), s.tos ?? 0],
    be16(s.totalLength ?? headerLength + s.payload.length),
    be16(s.id ?? 0x1234),
    be16(flagsFragment),
    [s.ttl ?? 64, s.protocol, 0, 0],
    address(s.src).bytes,
    address(s.dst).bytes,
    options,
  );
  header.set(be16(internetChecksum(header)), 10);
  return concat(header, s.payload);
}

export interface Ipv6ExtSpec {
  /** Protocol number of this extension header (0, 43, 44, 51, 60, …). */
  type: number;
  /**
   * Body after the next-header and length bytes; for the fragment header (no length byte) the 7
   * bytes after the next header: reserved, offset/flags, identification.
   */
  body?: number[];
}

export interface Ipv6Spec {
  src: string;
  dst: string;
  /** Upper-layer protocol after the extension headers. */
  protocol: number;
  payload: Uint8Array;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  ext?: Ipv6ExtSpec[];
  /** Override the payload length field. */
  payloadLength?: number;
}

/** Encode an extension header chain ending in `protocol`, with correct length bytes. */
export function ipv6ExtensionHeaders(ext: Ipv6ExtSpec[], protocol: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < ext.length; i++) {
    const next = i + 1 < ext.length ? ext[i + 1].type : protocol;
    const e = ext[i];
    if (e.type === 44) {
      // Reserved, offset/flags (2), identification (4).
      const body = e.body ?? [0, 0, 0, 0, 0, 0, 1];
      if (body.length !== 7) throw new Error('fragment header body is 7 bytes');
      parts.push(concat([next, ...body]));
    } else if (e.type === 51) {
      // AH: length in 4-byte units minus 2 (RFC 4302); body padded to a multiple of 4 bytes.
      const body = [...(e.body ?? [0, 0, ...be32(0x100), ...be32(1), ...new Array(12).fill(0xcc)])];
      while ((body.length + 2) % 4 !== 0) body.push(0);
      parts.push(concat([next, (body.length + 2) / 4 - 2], body));
    } else {
      // Generic: length in 8-byte units minus 1 (RFC 8200); pad with PadN-free zeros (Pad1s).
      const body = [...(e.body ?? [1, 4, 0, 0, 0, 0])];
      while ((body.length + 2) % 8 !== 0) body.push(0);
      parts.push(concat([next, (body.length + 2) / 8 - 1], body));
    }
  }
  return concat(...parts);
}

export function ipv6Packet(s: Ipv6Spec): Uint8Array {
  const ext = s.ext ?? [];
  const extBytes = ipv6ExtensionHeaders(ext, s.protocol);
  const first = ((6 << 28) | ((s.trafficClass ?? 0) << 20) | (s.flowLabel ?? 0)) >>> 0;
  const header = concat(
    be32(first),
    be16(s.payloadLength ?? extBytes.length + s.payload.length),
    [ext.length > 0 ? ext[0].type : s.protocol, s.hopLimit ?? 64],
    address(s.src).bytes,
    address(s.dst).bytes,
  );
  return concat(header, extBytes, s.payload);
}

/** IPv4 or IPv6 by the address syntax of `src`. */
export function ipPacket(
  src: string,
  dst: string,
  protocol: number,
  payload: Uint8Array,
  ttl?: number,
): Uint8Array {
  return address(src).version === 4
    ? ipv4Packet({ src, dst, protocol, payload, ttl, df: true })
    : ipv6Packet({ src, dst, protocol, payload, hopLimit: ttl });
}

export function udpDatagram(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  payload: Uint8Array,
): Uint8Array {
  const datagram = concat(be16(sport), be16(dport), be16(8 + payload.length), [0, 0], payload);
  let checksum = internetChecksum(datagram, pseudoHeaderSum(address(src), address(dst), 17, datagram.length));
  if (checksum === 0) checksum = 0xffff;
  datagram.set(be16(checksum), 6);
  return datagram;
}

// ---------------------------------------------------------------- links

export const MAC_A = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0a];
export const MAC_B = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0b];

/** Ethernet II with optional 802.1Q tags (`tpid` per tag, default 0x8100). */
export function ethernetFrame(
  type: number,
  payload: Uint8Array,
  vlan: number[] = [],
  tpids: number[] = [],
): Uint8Array {
  const tags: number[] = [];
  for (let i = 0; i < vlan.length; i++) tags.push(...be16(tpids[i] ?? 0x8100), ...be16(vlan[i]));
  return concat(MAC_B, MAC_A, tags, be16(type), payload);
}

function etherTypeOf(ip: Uint8Array): number {
  return ip[0] >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
}

/** Wrap an IP packet in a link-layer header. */
export function linkFrame(link: Link, ip: Uint8Array, vlan: number[] = []): BuiltFrame {
  const v6 = ip[0] >> 4 === 6;
  let bytes: Uint8Array;
  switch (link) {
    case 'ether':
      bytes = ethernetFrame(etherTypeOf(ip), ip, vlan);
      break;
    case 'raw':
      bytes = ip;
      break;
    case 'sll':
      // packet type 0 (to us), ARPHRD_ETHER, address length 6, address padded to 8, protocol.
      bytes = concat(be16(0), be16(1), be16(6), MAC_A, [0, 0], be16(etherTypeOf(ip)), ip);
      break;
    case 'sll2':
      bytes = concat(be16(etherTypeOf(ip)), [0, 0], be32(2), be16(1), [0, 6], MAC_A, [0, 0], ip);
      break;
    case 'null':
      // Host byte order of a little-endian macOS machine: AF_INET 2, AF_INET6 30.
      bytes = concat([v6 ? 30 : 2, 0, 0, 0], ip);
      break;
    case 'loop':
      // OpenBSD loop: network order, AF_INET6 24.
      bytes = concat(be32(v6 ? 24 : 2), ip);
      break;
  }
  return { bytes, linkType: LINKTYPE[link] };
}

// ---------------------------------------------------------------- tunnels

const DEFAULT_OUTER = { src: '192.0.2.1', dst: '192.0.2.2' };

/** Wrap the inner IP packet `ip` in `tunnel`, returning the OUTER IP packet. */
export function tunnelPacket(
  tunnel: TunnelSpec,
  ip: Uint8Array,
  outer: { src: string; dst: string } = DEFAULT_OUTER,
  id?: number,
): Uint8Array {
  const innerV6 = ip[0] >> 4 === 6;
  const gre = (flags: number, protocol: number, extra: number[], body: Uint8Array) =>
    ipPacket(outer.src, outer.dst, 47, concat(be16(flags), be16(protocol), extra, body));
  const udp = (sport: number, dport: number, body: Uint8Array) =>
    ipPacket(outer.src, outer.dst, 17, udpDatagram(outer.src, outer.dst, sport, dport, body));
  const innerEthernet = () => ethernetFrame(etherTypeOf(ip), ip);
  switch (tunnel) {
    case 'ipip':
      return ipPacket(outer.src, outer.dst, innerV6 ? 41 : 4, ip);
    case '6in4':
      if (!innerV6) throw new Error('6in4 needs IPv6 inner addresses');
      return ipPacket(outer.src, outer.dst, 41, ip);
    case 'gre':
      return id === undefined ? gre(0, etherTypeOf(ip), [], ip) : gre(0x2000, etherTypeOf(ip), be32(id), ip);
    case 'erspan2': {
      const session = id ?? 100;
      // GRE with sequence number; ERSPAN II: version 1, VLAN 0, COS 0, En 0, T 0, session, index 0.
      const header = [...be16(0x1000), ...be16(session & 0x3ff), ...be32(0)];
      return gre(0x1000, 0x88be, be32(1), concat(header, innerEthernet()));
    }
    case 'erspan3': {
      const session = id ?? 200;
      // ERSPAN III: version 2, session, timestamp, SGT 0, frame type 0 (Ethernet), O = 0.
      const header = [...be16(0x2000), ...be16(session & 0x3ff), ...be32(123456), ...be32(0)];
      return gre(0x1000, 0x22eb, be32(1), concat(header, innerEthernet()));
    }
    case 'vxlan':
      return udp(51000, 4789, concat([0x08, 0, 0, 0], be32(((id ?? 4242) << 8) >>> 0), innerEthernet()));
    case 'geneve':
      // 4 bytes of options (one empty TLV header: class, type, length 0).
      return udp(
        51000,
        6081,
        concat(
          [0x01, 0],
          be16(0x6558),
          be32(((id ?? 777) << 8) >>> 0),
          [0x01, 0x02, 0x03, 0x00],
          innerEthernet(),
        ),
      );
    case 'gtp':
      // GTPv1-U G-PDU with the optional word and one PDU session container extension (RFC 3GPP 38.415).
      return udp(
        2152,
        2152,
        concat(
          [0x34, 0xff],
          be16(ip.length + 4 + 8),
          be32(id ?? 0x1000),
          [0, 0, 0, 0x85],
          [2, 0x10, 0x09, 0, 0, 0, 0, 0],
          ip,
        ),
      );
    case 'teredo':
      if (!innerV6) throw new Error('teredo needs IPv6 inner addresses');
      // Origin indication header (port and address obfuscated by XOR with all ones), then IPv6.
      return udp(3544, 50000, concat([0, 0], be16(~40000 & 0xffff), [0x3f, 0xff, 0xfd, 0xfe], ip));
  }
}

/** One TCP segment in a complete frame: see TcpFrameSpec. */
export function tcpFrame(spec: TcpFrameSpec): BuiltFrame {
  const src = address(spec.src);
  const dst = address(spec.dst);
  if (src.version !== dst.version) throw new Error('src and dst must be the same IP version');
  const segment = tcpSegment(spec, src, dst);
  const ip =
    src.version === 4
      ? ipv4Packet({
          src: spec.src,
          dst: spec.dst,
          protocol: 6,
          payload: segment,
          ttl: spec.ttl,
          id: spec.ipId,
          tos: spec.tos,
          df: spec.df ?? true,
        })
      : ipv6Packet({
          src: spec.src,
          dst: spec.dst,
          protocol: 6,
          payload: segment,
          hopLimit: spec.ttl,
          trafficClass: spec.tos,
        });
  const outerIp = spec.tunnel === undefined ? ip : tunnelPacket(spec.tunnel, ip, spec.outer, spec.tunnelId);
  return linkFrame(spec.link ?? 'ether', outerIp, spec.vlan);
}
