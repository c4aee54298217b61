/**
 * LINKTYPE_* values: the link-layer header type stored in a pcap file header and in every pcapng
 * Interface Description Block. Values are from the tcpdump.org list of link-layer header types
 * (https://www.tcpdump.org/linktypes.html, now the IANA "PCAP-Related LinkTypes" registry),
 * restricted to the ones met in captures of TCP traffic. They were cross-checked against
 * libpcap 1.10 (`tcpdump -r` prints the DLT name) and Wireshark 4.0 (`capinfos -E`).
 *
 * The capture layer only labels frames with this number; deciding whether a link type can be
 * decoded is the decode layer's job, so an unknown value here is never an error.
 */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the byte order of the capturing host. */
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  /** FDDI; Wireshark treats it as "bit-swapped MAC addresses" in pcap files. */
  FDDI: 10,
  /**
   * Old raw-IP values: DLT_RAW is 12 on most BSDs and 14 on OpenBSD. Files written before libpcap
   * mapped DLT_RAW to LINKTYPE_RAW (101) carry them; Wireshark still reads both as raw IP.
   */
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  /** PPP in HDLC-like framing (RFC 1662); libpcap calls it PPP_SERIAL. */
  PPP_HDLC: 50,
  /** PPPoE session packets (PPP_ETHER). */
  PPP_ETHER: 51,
  /** Raw IP, IPv4 or IPv6 decided by the version nibble. */
  RAW: 101,
  C_HDLC: 104,
  IEEE802_11: 105,
  /** OpenBSD loopback: like NULL, but the address family is always big-endian. */
  LOOP: 108,
  /** Linux "cooked" capture v1 (tcpdump -i any before libpcap 1.10). */
  LINUX_SLL: 113,
  PFLOG: 117,
  IEEE802_11_PRISM: 119,
  IEEE802_11_RADIOTAP: 127,
  DOCSIS: 143,
  IEEE802_11_AVS: 163,
  PPI: 192,
  ERF: 197,
  IPNET: 226,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  NETANALYZER: 240,
  NETANALYZER_TRANSPARENT: 241,
  WIRESHARK_UPPER_PDU: 252,
  PKTAP: 258,
  /** Linux "cooked" capture v2 (tcpdump -i any since libpcap 1.10). */
  LINUX_SLL2: 276,
} as const;
export type KnownLinkType = (typeof LinkType)[keyof typeof LinkType];

/** Short names for messages ("link type 113 (Linux SLL)"), indexed by value. */
const NAMES = new Map<number, string>([
  [LinkType.NULL, 'BSD loopback'],
  [LinkType.ETHERNET, 'Ethernet'],
  [LinkType.PPP, 'PPP'],
  [LinkType.FDDI, 'FDDI'],
  [LinkType.RAW_BSD, 'raw IP (BSD)'],
  [LinkType.RAW_OPENBSD, 'raw IP (OpenBSD)'],
  [LinkType.PPP_HDLC, 'PPP in HDLC framing'],
  [LinkType.PPP_ETHER, 'PPPoE'],
  [LinkType.RAW, 'raw IP'],
  [LinkType.C_HDLC, 'Cisco HDLC'],
  [LinkType.IEEE802_11, '802.11'],
  [LinkType.LOOP, 'OpenBSD loopback'],
  [LinkType.LINUX_SLL, 'Linux cooked v1'],
  [LinkType.PFLOG, 'OpenBSD pflog'],
  [LinkType.IEEE802_11_PRISM, '802.11 + Prism'],
  [LinkType.IEEE802_11_RADIOTAP, '802.11 + radiotap'],
  [LinkType.DOCSIS, 'DOCSIS'],
  [LinkType.IEEE802_11_AVS, '802.11 + AVS'],
  [LinkType.PPI, 'PPI'],
  [LinkType.ERF, 'Endace ERF'],
  [LinkType.IPNET, 'Solaris ipnet'],
  [LinkType.IPV4, 'raw IPv4'],
  [LinkType.IPV6, 'raw IPv6'],
  [LinkType.NFLOG, 'Linux NFLOG'],
  [LinkType.NETANALYZER, 'netANALYZER'],
  [LinkType.NETANALYZER_TRANSPARENT, 'netANALYZER transparent'],
  [LinkType.WIRESHARK_UPPER_PDU, 'Wireshark upper PDU'],
  [LinkType.PKTAP, 'Apple PKTAP'],
  [LinkType.LINUX_SLL2, 'Linux cooked v2'],
  // Others met in captures but carrying no TCP/IP that rstscope decodes: named for messages only.
  [6, 'Token Ring'],
  [8, 'SLIP'],
  [100, 'ATM RFC 1483'],
  [107, 'Frame Relay'],
  [122, 'IP over Fibre Channel'],
  [123, 'SunATM'],
  [169, 'GPRS LLC'],
  [177, 'Linux LAPD'],
  [187, 'Bluetooth HCI H4'],
  [189, 'Linux USB'],
  [195, 'IEEE 802.15.4'],
  [201, 'Bluetooth HCI H4 with pseudo-header'],
  [220, 'Linux USB (memory-mapped)'],
  [227, 'SocketCAN'],
  [231, 'D-Bus'],
  [242, 'IP over InfiniBand'],
  [243, 'MPEG-2 TS'],
  [247, 'InfiniBand'],
  [248, 'SCTP'],
  [249, 'USBPcap'],
  [251, 'Bluetooth LE link layer'],
  [253, 'Linux netlink'],
  [254, 'Bluetooth Linux monitor'],
  [271, 'vsock'],
  [274, 'Ethernet mPackets'],
]);

/** LINKTYPE_USER0..15 (147..162): private use, their meaning is known only to whoever wrote them. */
const USER_FIRST = 147;
const USER_LAST = 162;

/** "Ethernet", "Linux cooked v2", … or "link type 147" for a value not in the table. */
export function linkTypeName(linkType: number): string {
  return NAMES.get(linkType) ?? `link type ${linkType}`;
}

/** "link type 147 (USER0, private use)", "link type 1 (Ethernet)": for messages. */
export function linkTypeLabel(linkType: number): string {
  const name =
    NAMES.get(linkType) ??
    (linkType >= USER_FIRST && linkType <= USER_LAST
      ? `USER${linkType - USER_FIRST}, private use`
      : 'not in the registry rstscope knows');
  return `link type ${linkType} (${name})`;
}

/**
 * The pcap file header's link-type word also carries FCS information in its upper bits
 * (draft-ietf-opsawg-pcap, "LinkType and additional information"): bits 31..28 are the FCS
 * length in 16-bit words, bit 26 (P) says whether that length is present, bits 27 and 25..16 are
 * reserved. Only the low 16 bits are the link type.
 */
export function pcapLinkTypeOf(linkTypeWord: number): number {
  return linkTypeWord & 0xffff;
}

/** FCS bytes appended to every frame per the pcap header, or -1 when the file does not say. */
export function pcapFcsLengthOf(linkTypeWord: number): number {
  if ((linkTypeWord & 0x04000000) === 0) return -1;
  return ((linkTypeWord >>> 28) & 0xf) * 2;
}
