/**
 * One reused, preallocated view of a decoded frame (gopacket's DecodingLayerParser idea): the
 * decoder overwrites these fields for every frame and never allocates. Fields that a frame does
 * not have keep their "absent" value (-1 for numbers, false for flags), reset by `clear()`.
 *
 * Addresses are kept as numbers so the flow table can hash them without building strings:
 * IPv4 uses word 0 of `src`/`dst`; IPv6 uses all four words (big-endian order).
 */

/** Why a frame is not a complete TCP segment. Strings are interned, so comparing them is cheap. */
export type DecodeStatus =
  | 'tcp' // a TCP header was decoded (payload may still be cut by the snaplen)
  | 'not-ip' // link layer decoded, but no IP inside (ARP, LLDP, …)
  | 'not-tcp' // IP decoded, but the innermost transport is not TCP (UDP, ICMP, …)
  | 'fragment' // a non-first IP fragment: no TCP header in it
  | 'truncated' // bytes ran out inside a header
  | 'malformed' // a header contradicts itself (bad lengths, version)
  | 'unsupported-link'; // a link type we do not decode

/** Kinds of outer encapsulation kept as context; the innermost TCP is what is analysed. */
export const Tunnel = {
  none: 0,
  gre: 1,
  erspan: 2,
  vxlan: 3,
  geneve: 4,
  ipip: 5, // IPv4 or IPv6 carried directly in IPv4/IPv6 (includes 6in4, protocol 41)
  teredo: 6,
  pppoe: 7,
  mpls: 8,
  /** GTP-U (3GPP TS 29.281): mobile core user plane; tunnelId is the TEID. Added by the decoder. */
  gtp: 9,
} as const;
export type TunnelKind = (typeof Tunnel)[keyof typeof Tunnel];

/** TCP flag bits as in the header's 9 low bits of offset 12..13 (NS/AE is bit 8). */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  AE: 0x100, // formerly NS (RFC 3540), now AccECN (RFC 9768)
} as const;

export const MAX_VLANS = 4;
export const MAX_TUNNELS = 4;
export const MAX_SACK_BLOCKS = 4;
export const MAX_OPTIONS = 40;

export class PacketView {
  status: DecodeStatus = 'unsupported-link';
  /** Human-readable reason when status is truncated/malformed (a constant string, no allocation). */
  problem = '';

  // ---- link layer and encapsulation (outermost first) ----
  linkType = -1;
  vlanCount = 0;
  readonly vlanIds = new Uint16Array(MAX_VLANS);
  tunnelCount = 0;
  /** Tunnel kinds (see Tunnel), outermost first; entries [0, tunnelCount) are valid. */
  readonly tunnels = new Uint8Array(MAX_TUNNELS);
  /**
   * VXLAN VNI / GENEVE VNI / GRE key (PPTP call id) / ERSPAN session id / GTP-U TEID / PPPoE session
   * id / bottom MPLS label of the innermost tunnel, -1 if it has none.
   */
  tunnelId = -1;
  /**
   * The outer layers kept as context, one slot per entry of `tunnels` (fixed-size arrays filled
   * only for tunnelled frames, so plain frames pay nothing): the tunnel's id as above or -1, its
   * variant (ERSPAN type 1/2/3, GRE version 1 = PPTP, else 0), and the IP header that carried it
   * when it rides directly on IP (GRE, UDP tunnels, IP-in-IP): version 4/6 or 0 (ERSPAN inside GRE,
   * PPPoE and MPLS over Ethernet have no IP header of their own), source and destination in
   * slot * 4 … slot * 4 + 3 (IPv4 in word 0), like `src`/`dst`.
   */
  readonly tunnelIds = new Float64Array(MAX_TUNNELS);
  readonly tunnelVariants = new Uint8Array(MAX_TUNNELS);
  readonly tunnelIpVersions = new Uint8Array(MAX_TUNNELS);
  readonly tunnelSrc = new Uint32Array(MAX_TUNNELS * 4);
  readonly tunnelDst = new Uint32Array(MAX_TUNNELS * 4);

  // ---- innermost IP ----
  ipVersion: 0 | 4 | 6 = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** IPv4 TTL or IPv6 hop limit. */
  ttl = -1;
  /** IPv4 identification; -1 for IPv6 (or IPv6 fragment id when a fragment header is present). */
  ipId = -1;
  /** DSCP/ECN byte (IPv4 TOS, IPv6 traffic class). */
  tos = -1;
  dontFragment = false;
  /** More-fragments set or fragment offset non-zero (IPv4), or an IPv6 fragment header. */
  isFragment = false;
  /** Bytes of IPv4 options (0 when none). */
  ipOptionsLength = 0;
  /**
   * Bit set of IPv6 extension headers met: 1 hop-by-hop, 2 routing, 4 fragment, 8 dest-opts, 16 AH
   * (16 is also set for an AH that follows an IPv4 header).
   */
  ipv6ExtHeaders = 0;
  /** Offset of the innermost IP header in the frame's buffer. */
  ipOffset = -1;

  // ---- TCP ----
  sport = -1;
  dport = -1;
  /** Raw 32-bit sequence and acknowledgement numbers (unsigned). */
  seq = 0;
  ack = 0;
  /** The 9 flag bits (see TcpFlag). */
  flags = 0;
  /** Raw window field (not scaled). */
  window = 0;
  urgentPointer = 0;
  checksum = 0;
  /** The 3 reserved bits (besides AE) of the TCP header, non-zero in crafted packets. */
  reservedBits = 0;
  tcpOffset = -1;
  tcpHeaderLength = 0;
  /** TCP payload length as the IP header claims it (tshark's tcp.len), even if the snaplen cut it. */
  payloadLength = 0;
  /**
   * Payload bytes actually present: data[payloadOffset, payloadOffset + payloadCaptured). When the
   * snaplen cut the options, payloadOffset is the end of the captured bytes and payloadCaptured 0.
   */
  payloadCaptured = 0;
  payloadOffset = -1;

  // ---- TCP options (absent: -1 / false) ----
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  sackCount = 0;
  /** left/right edge pairs: [l0, r0, l1, r1, …]. */
  readonly sackBlocks = new Uint32Array(MAX_SACK_BLOCKS * 2);
  hasTimestamp = false;
  tsVal = 0;
  tsEcr = 0;
  hasMd5 = false;
  hasAuthOption = false; // TCP-AO (RFC 5925)
  mptcpSubtype = -1;
  /** Fast Open cookie length (0 = cookie request), -1 when the option is absent. */
  fastOpenCookieLength = -1;
  /** Option kinds in header order (NOP and EOL included), for fingerprinting a host's habits. */
  optionCount = 0;
  readonly optionKinds = new Uint8Array(MAX_OPTIONS);
  /**
   * The length byte of each option in `optionKinds` (1 for NOP and EOL, which have none; 0 when
   * the snaplen cut the option before its length byte), so unknown kinds keep their size.
   */
  readonly optionLengths = new Uint8Array(MAX_OPTIONS);
  /** The option area could not be walked to its end (bad option length). */
  optionsMalformed = false;
  /**
   * The snaplen cut the TCP header inside its options: the fixed header (ports, seq/ack, flags,
   * window) and the options before the cut are valid, the ones after it are unknown (a SYN's
   * window scale may be among them). tcpdump -s 64/96 header-only captures look like this.
   */
  optionsTruncated = false;

  /** Reset every field to "absent" before decoding the next frame. */
  clear(): void {
    this.status = 'unsupported-link';
    this.problem = '';
    this.linkType = -1;
    this.vlanCount = 0;
    this.tunnelCount = 0;
    this.tunnelId = -1;
    this.ipVersion = 0;
    // Element writes, not fill(): TypedArray.prototype.fill costs ~50 ns a call in V8, more than
    // the rest of a frame's decoding.
    const src = this.src;
    const dst = this.dst;
    src[0] = src[1] = src[2] = src[3] = 0;
    dst[0] = dst[1] = dst[2] = dst[3] = 0;
    this.ttl = -1;
    this.ipId = -1;
    this.tos = -1;
    this.dontFragment = false;
    this.isFragment = false;
    this.ipOptionsLength = 0;
    this.ipv6ExtHeaders = 0;
    this.ipOffset = -1;
    this.sport = -1;
    this.dport = -1;
    this.seq = 0;
    this.ack = 0;
    this.flags = 0;
    this.window = 0;
    this.urgentPointer = 0;
    this.checksum = 0;
    this.reservedBits = 0;
    this.tcpOffset = -1;
    this.tcpHeaderLength = 0;
    this.payloadLength = 0;
    this.payloadCaptured = 0;
    this.payloadOffset = -1;
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.sackCount = 0;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.hasMd5 = false;
    this.hasAuthOption = false;
    this.mptcpSubtype = -1;
    this.fastOpenCookieLength = -1;
    this.optionCount = 0;
    this.optionsMalformed = false;
    this.optionsTruncated = false;
  }
}
