import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import { formatAddress } from '../../src/decode/address.ts';
import { PROBLEM_UNSUPPORTED_LINK } from '../../src/decode/decode-frame.ts';
import { TcpFlag } from '../../src/decode/packet-view.ts';
import { be16, be32, concat, ethernetFrame, ipv4Packet, MAC_A, MAC_B, tcpFrame } from '../helpers/frames.ts';
import { decode, decodeBytes, vlansOf } from './decode-helper.ts';

const V4 = { src: '10.1.2.3', dst: '10.4.5.6', sport: 40001, dport: 443, seq: 111, ack: 222, flags: 'PA' };
const V6 = {
  src: '2001:db8::10',
  dst: '2001:db8::20',
  sport: 40001,
  dport: 443,
  seq: 111,
  ack: 222,
  flags: 'PA',
};

/** The bare IP packet (raw link) of a spec, to wrap by hand in link headers the builder lacks. */
function rawIp(spec: typeof V4 | typeof V6, payload = 'data'): Uint8Array {
  return tcpFrame({ ...spec, link: 'raw', payload }).bytes;
}

function assertTcp(view: ReturnType<typeof decode>, spec: typeof V4 | typeof V6, payloadLength = 4): void {
  assert.equal(view.status, 'tcp', view.problem);
  assert.equal(formatAddress(view.ipVersion === 6 ? 6 : 4, view.src), spec.src);
  assert.equal(formatAddress(view.ipVersion === 6 ? 6 : 4, view.dst), spec.dst);
  assert.equal(view.sport, spec.sport);
  assert.equal(view.dport, spec.dport);
  assert.equal(view.seq, spec.seq);
  assert.equal(view.ack, spec.ack);
  assert.equal(view.flags, TcpFlag.PSH | TcpFlag.ACK);
  assert.equal(view.payloadLength, payloadLength);
}

describe('link layers carrying IPv4 and IPv6', () => {
  for (const link of ['ether', 'raw', 'sll', 'sll2', 'null', 'loop'] as const) {
    for (const spec of [V4, V6]) {
      test(`${link} / IPv${spec === V4 ? 4 : 6}`, () => {
        const frame = tcpFrame({ ...spec, link, payload: 'data' });
        const view = decode(frame);
        assertTcp(view, spec);
        assert.equal(view.linkType, frame.linkType);
        assert.equal(view.ipVersion, spec === V4 ? 4 : 6);
        assert.equal(view.tunnelCount, 0);
      });
    }
  }

  test('old raw-IP link types 12 and 14 and LINKTYPE_IPV4/IPV6 (228/229)', () => {
    assertTcp(decodeBytes(rawIp(V4), LinkType.RAW_BSD), V4);
    assertTcp(decodeBytes(rawIp(V6), LinkType.RAW_OPENBSD), V6);
    assertTcp(decodeBytes(rawIp(V4), LinkType.IPV4), V4);
    assertTcp(decodeBytes(rawIp(V6), LinkType.IPV6), V6);
    // LINKTYPE_IPV4 insists on IPv4: an IPv6 packet there is malformed, not silently accepted.
    assert.equal(decodeBytes(rawIp(V6), LinkType.IPV4).status, 'malformed');
  });

  test('raw IP with a version nibble other than 4/6 is malformed', () => {
    const bytes = rawIp(V4);
    bytes[0] = 0x55;
    assert.equal(decodeBytes(bytes, LinkType.RAW).status, 'malformed');
  });

  test('NULL: address family in either byte order, every AF_INET6 variant', () => {
    for (const family of [10, 24, 28, 30]) {
      assertTcp(decodeBytes(concat([family, 0, 0, 0], rawIp(V6)), LinkType.NULL), V6);
      assertTcp(decodeBytes(concat(be32(family), rawIp(V6)), LinkType.NULL), V6);
    }
    assertTcp(decodeBytes(concat(be32(2), rawIp(V4)), LinkType.NULL), V4);
    assertTcp(decodeBytes(concat([2, 0, 0, 0], rawIp(V4)), LinkType.LOOP), V4);
    const other = decodeBytes(concat([17, 0, 0, 0], rawIp(V4)), LinkType.NULL);
    assert.equal(other.status, 'not-ip');
  });

  test('Linux cooked v1: LLC protocol 4, netlink, Novell raw 802.3', () => {
    const ip = rawIp(V4);
    const sll = (hatype: number, protocol: number, payload: Uint8Array) =>
      concat(be16(0), be16(hatype), be16(6), MAC_A, [0, 0], be16(protocol), payload);
    assertTcp(
      decodeBytes(sll(1, 0x0004, concat([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], ip)), LinkType.LINUX_SLL),
      V4,
    );
    assert.equal(decodeBytes(sll(824, 0x0800, ip), LinkType.LINUX_SLL).status, 'not-ip');
    assert.equal(decodeBytes(sll(1, 0x0001, ip), LinkType.LINUX_SLL).status, 'not-ip');
    // VLAN tag left in by the driver, behind the cooked header.
    const tagged = decodeBytes(sll(1, 0x8100, concat(be16(42), be16(0x0800), ip)), LinkType.LINUX_SLL);
    assertTcp(tagged, V4);
    assert.deepEqual(vlansOf(tagged), [42]);
  });

  test('Ethernet 802.3 length field + LLC/SNAP carrying IPv4, trailer ignored', () => {
    const ip = rawIp(V4);
    const llcSnap = concat([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), ip);
    // 4 bytes of trailer after the length: must not count as TCP payload.
    const frame = concat(MAC_B, MAC_A, be16(llcSnap.length), llcSnap, [0xde, 0xad, 0xbe, 0xef]);
    const view = decodeBytes(frame, LinkType.ETHERNET);
    assertTcp(view, V4);
    assert.equal(view.payloadCaptured, 4);
  });

  test('Ethernet 802.3 with a non-SNAP LLC (STP) is not IP; 1501..1535 is malformed', () => {
    const stp = concat(MAC_B, MAC_A, be16(38), [0x42, 0x42, 0x03], new Uint8Array(35));
    assert.equal(decodeBytes(stp, LinkType.ETHERNET).status, 'not-ip');
    const bad = concat(MAC_B, MAC_A, be16(1510), rawIp(V4));
    assert.equal(decodeBytes(bad, LinkType.ETHERNET).status, 'malformed');
  });

  test('ARP and LLDP are not IP', () => {
    assert.equal(decodeBytes(ethernetFrame(0x0806, new Uint8Array(28)), LinkType.ETHERNET).status, 'not-ip');
    assert.equal(decodeBytes(ethernetFrame(0x88cc, new Uint8Array(28)), LinkType.ETHERNET).status, 'not-ip');
  });

  test('Ethernet padding after a short IP packet is not payload', () => {
    const frame = tcpFrame({ ...V4, flags: 'PA' });
    const padded = concat(frame.bytes, new Uint8Array(6));
    const view = decodeBytes(padded, LinkType.ETHERNET);
    assertTcp(view, V4, 0);
    assert.equal(view.payloadCaptured, 0);
  });

  test('FDDI with LLC/SNAP (as zeek/llc.pcap), and a non-LLC FDDI frame', () => {
    const fddi = concat([0x50], MAC_B, MAC_A, [0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), rawIp(V4));
    assertTcp(decodeBytes(fddi, LinkType.FDDI), V4);
    const smt = concat([0x41], MAC_B, MAC_A, new Uint8Array(40));
    assert.equal(decodeBytes(smt, LinkType.FDDI).status, 'not-ip');
  });

  test('PPP (9, 50) with and without address/control, compressed protocol field', () => {
    assertTcp(decodeBytes(concat([0xff, 0x03, 0x00, 0x21], rawIp(V4)), LinkType.PPP), V4);
    assertTcp(decodeBytes(concat([0x00, 0x57], rawIp(V6)), LinkType.PPP_HDLC), V6);
    assertTcp(decodeBytes(concat([0x21], rawIp(V4)), LinkType.PPP), V4);
    assert.equal(decodeBytes(concat([0xc0, 0x21], new Uint8Array(20)), LinkType.PPP).status, 'not-ip'); // LCP
  });

  test('PPPoE session over Ethernet and LINKTYPE_PPP_ETHER; discovery is not IP', () => {
    const ip = rawIp(V4);
    const session = concat([0x11, 0x00], be16(0x1234), be16(ip.length + 2), be16(0x0021), ip);
    const view = decodeBytes(ethernetFrame(0x8864, session), LinkType.ETHERNET);
    assertTcp(view, V4);
    assert.equal(view.tunnelId, 0x1234);
    assertTcp(decodeBytes(session, LinkType.PPP_ETHER), V4);
    assert.equal(decodeBytes(ethernetFrame(0x8863, session), LinkType.ETHERNET).status, 'not-ip');
    const badCode = concat([0x11, 0x09], session.subarray(2));
    assert.equal(decodeBytes(ethernetFrame(0x8864, badCode), LinkType.ETHERNET).status, 'malformed');
  });

  test('Cisco HDLC', () => {
    assertTcp(decodeBytes(concat([0x0f, 0x00], be16(0x86dd), rawIp(V6)), LinkType.C_HDLC), V6);
  });

  test('802.11 data frames (105): QoS, 4-address, protected and management', () => {
    const llc = concat([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), rawIp(V4));
    const header = (fc0: number, flags: number, extra: number) =>
      concat([fc0, flags, 0, 0], new Uint8Array(20 + extra));
    assertTcp(decodeBytes(concat(header(0x08, 0x01, 0), llc), LinkType.IEEE802_11), V4); // data, to DS
    assertTcp(decodeBytes(concat(header(0x88, 0x02, 2), llc), LinkType.IEEE802_11), V4); // QoS data
    assertTcp(decodeBytes(concat(header(0x88, 0x03, 8), llc), LinkType.IEEE802_11), V4); // QoS, 4 addresses
    assertTcp(decodeBytes(concat(header(0x88, 0x81, 6), llc), LinkType.IEEE802_11), V4); // QoS + HT control
    assert.equal(decodeBytes(concat(header(0x08, 0x41, 0), llc), LinkType.IEEE802_11).status, 'not-ip');
    assert.equal(decodeBytes(concat(header(0x80, 0x00, 0), llc), LinkType.IEEE802_11).status, 'not-ip');
    assert.equal(decodeBytes(concat(header(0x48, 0x01, 0), llc), LinkType.IEEE802_11).status, 'not-ip');
  });

  test('pflog: padded header length, then IP by version nibble', () => {
    const header = new Uint8Array(64);
    header[0] = 61; // struct pfloghdr without its padding; 64 on the wire
    header[1] = 2;
    assertTcp(decodeBytes(concat(header, rawIp(V4)), LinkType.PFLOG), V4);
    const short = new Uint8Array(64);
    short[0] = 20;
    assert.equal(decodeBytes(concat(short, rawIp(V4)), LinkType.PFLOG).status, 'malformed');
  });

  test('unknown link types are reported, not guessed', () => {
    const view = decodeBytes(tcpFrame(V4).bytes, 147);
    assert.equal(view.status, 'unsupported-link');
    assert.equal(view.problem, PROBLEM_UNSUPPORTED_LINK);
    assert.equal(view.linkType, 147);
  });

  test('IPv4 over Ethernet with a 60-byte IPv4 header (options)', () => {
    const tcp = tcpFrame({ ...V4, link: 'raw' }).bytes.subarray(20);
    const ip = ipv4Packet({
      src: V4.src,
      dst: V4.dst,
      protocol: 6,
      payload: tcp,
      options: new Array(40).fill(1),
    });
    const view = decodeBytes(ethernetFrame(0x0800, ip), LinkType.ETHERNET);
    assert.equal(view.status, 'tcp');
    assert.equal(view.ipOptionsLength, 40);
    assert.equal(view.sport, V4.sport);
  });
});
