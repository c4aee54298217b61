import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import { formatAddress } from '../../src/decode/address.ts';
import { MAX_TUNNELS, Tunnel } from '../../src/decode/packet-view.ts';
import { PROBLEM_TOO_MANY_TUNNELS } from '../../src/decode/tunnel.ts';
import {
  be16,
  be32,
  concat,
  ethernetFrame,
  ipPacket,
  ipv4Packet,
  linkFrame,
  type TunnelSpec,
  tcpFrame,
  tunnelPacket,
  udpDatagram,
} from '../helpers/frames.ts';
import { decode, decodeBytes, tunnelsOf } from './decode-helper.ts';

const V4 = {
  src: '10.9.8.7',
  dst: '172.16.0.1',
  sport: 5555,
  dport: 22,
  seq: 0x80000001,
  ack: 0xffffffff,
  flags: 'RA',
  ttl: 61,
};
const V6 = { ...V4, src: '2001:db8:1::7', dst: '2001:db8:2::1' };
const OUTER = { src: '198.51.100.1', dst: '198.51.100.2' };

function innerIp(spec: typeof V4): Uint8Array {
  return tcpFrame({ ...spec, link: 'raw', payload: 'abc' }).bytes;
}

function assertInner(view: ReturnType<typeof decode>, spec: typeof V4): void {
  assert.equal(view.status, 'tcp', view.problem);
  const v = view.ipVersion === 6 ? 6 : 4;
  assert.equal(formatAddress(v, view.src), spec.src);
  assert.equal(formatAddress(v, view.dst), spec.dst);
  assert.equal(view.ttl, spec.ttl, 'TTL is the inner header one');
  assert.equal(view.seq, spec.seq);
  assert.equal(view.ack, spec.ack);
  assert.equal(view.sport, spec.sport);
  assert.equal(view.payloadLength, 3);
  assert.equal(view.payloadCaptured, 3);
}

const CASES: [TunnelSpec, typeof V4, number[], number][] = [
  ['vxlan', V4, [Tunnel.vxlan], 4242],
  ['geneve', V6, [Tunnel.geneve], 777],
  ['gre', V4, [Tunnel.gre], -1],
  ['erspan2', V4, [Tunnel.gre, Tunnel.erspan], 100],
  ['erspan3', V6, [Tunnel.gre, Tunnel.erspan], 200],
  ['gtp', V4, [Tunnel.gtp], 0x1000],
  ['ipip', V4, [Tunnel.ipip], -1],
  ['6in4', V6, [Tunnel.ipip], -1],
  ['teredo', V6, [Tunnel.teredo], -1],
];

describe('each tunnel yields the innermost IP/TCP and records the encapsulation', () => {
  for (const [tunnel, spec, kinds, id] of CASES) {
    test(tunnel, () => {
      const view = decode(tcpFrame({ ...spec, payload: 'abc', tunnel, outer: OUTER, vlan: [3] }));
      assertInner(view, spec);
      assert.deepEqual(tunnelsOf(view), kinds);
      assert.equal(view.tunnelId, id);
      assert.equal(view.vlanIds[0], 3);
    });
  }
});

/** The outer-layer record of each tunnel slot, with the carrying IP's addresses as text. */
function outerOf(view: ReturnType<typeof decode>) {
  return Array.from({ length: view.tunnelCount }, (_, i) => {
    const version = view.tunnelIpVersions[i];
    const ip =
      version === 4 || version === 6
        ? {
            src: formatAddress(version, view.tunnelSrc.subarray(i * 4, i * 4 + 4)),
            dst: formatAddress(version, view.tunnelDst.subarray(i * 4, i * 4 + 4)),
          }
        : null;
    return { kind: view.tunnels[i], id: view.tunnelIds[i], variant: view.tunnelVariants[i], ip };
  });
}

describe('the outer layers are kept as context: id, variant, the IP header carrying each tunnel', () => {
  const outer = { src: '198.51.100.1', dst: '198.51.100.2' };
  const ip = { ...outer };
  const cases: [TunnelSpec, typeof V4, ReturnType<typeof outerOf>][] = [
    ['vxlan', V4, [{ kind: Tunnel.vxlan, id: 5001, variant: 0, ip }]],
    ['geneve', V6, [{ kind: Tunnel.geneve, id: 5001, variant: 0, ip }]],
    ['gre', V4, [{ kind: Tunnel.gre, id: 5001, variant: 0, ip }]],
    [
      'erspan2',
      V4,
      [
        { kind: Tunnel.gre, id: -1, variant: 0, ip },
        // ERSPAN rides in GRE: no IP header of its own, so none is repeated.
        { kind: Tunnel.erspan, id: 1001 & 0x3ff, variant: 2, ip: null },
      ],
    ],
    [
      'erspan3',
      V6,
      [
        { kind: Tunnel.gre, id: -1, variant: 0, ip },
        { kind: Tunnel.erspan, id: 1001 & 0x3ff, variant: 3, ip: null },
      ],
    ],
    ['gtp', V4, [{ kind: Tunnel.gtp, id: 5001, variant: 0, ip }]],
    ['ipip', V4, [{ kind: Tunnel.ipip, id: -1, variant: 0, ip }]],
    ['teredo', V6, [{ kind: Tunnel.teredo, id: -1, variant: 0, ip }]],
  ];
  for (const [tunnel, spec, want] of cases) {
    test(tunnel, () => {
      const id = tunnel.startsWith('erspan') ? 1001 : 5001;
      const view = decode(tcpFrame({ ...spec, payload: 'abc', tunnel, tunnelId: id, outer }));
      assertInner(view, spec);
      assert.deepEqual(outerOf(view), want);
    });
  }

  test('an IPv6 outer header; two tunnels, each with its own carrier (VXLAN inside IP-in-IP)', () => {
    const inner = tunnelPacket('vxlan', innerIp(V4), { src: '10.1.1.1', dst: '10.2.2.2' }, 77);
    const view = decodeBytes(
      tunnelPacket('ipip', inner, { src: '2001:db8::a', dst: '2001:db8::b' }),
      LinkType.RAW,
    );
    assertInner(view, V4);
    assert.deepEqual(outerOf(view), [
      { kind: Tunnel.ipip, id: -1, variant: 0, ip: { src: '2001:db8::a', dst: '2001:db8::b' } },
      { kind: Tunnel.vxlan, id: 77, variant: 0, ip: { src: '10.1.1.1', dst: '10.2.2.2' } },
    ]);
  });

  test('MPLS over Ethernet carries no IP header of its own', () => {
    const labels = be32((2001 << 12) | 0x100 | 64);
    const mpls = decodeBytes(ethernetFrame(0x8847, concat(labels, innerIp(V4))), LinkType.ETHERNET);
    assert.deepEqual(outerOf(mpls), [{ kind: Tunnel.mpls, id: 2001, variant: 0, ip: null }]);
  });
});

test('tunnel ids: VXLAN VNI, GRE key, ERSPAN session, GTP TEID', () => {
  assert.equal(decode(tcpFrame({ ...V4, tunnel: 'vxlan', tunnelId: 0xabcdef })).tunnelId, 0xabcdef);
  assert.equal(decode(tcpFrame({ ...V4, tunnel: 'gre', tunnelId: 0xdeadbeef })).tunnelId, 0xdeadbeef);
  assert.equal(decode(tcpFrame({ ...V4, tunnel: 'erspan2', tunnelId: 1023 })).tunnelId, 1023);
  assert.equal(decode(tcpFrame({ ...V4, tunnel: 'gtp', tunnelId: 0xfedcba98 })).tunnelId, 0xfedcba98);
});

test('outer IPv6 carrying VXLAN', () => {
  const view = decode(
    tcpFrame({ ...V4, payload: 'abc', tunnel: 'vxlan', outer: { src: '2001:db8::a', dst: '2001:db8::b' } }),
  );
  assertInner(view, V4);
});

describe('GRE header variants (RFC 2784/2890/1701, PPTP)', () => {
  const gre = (flagsAndVersion: number, protocol: number, extra: number[], body: Uint8Array) =>
    linkFrame(
      'ether',
      ipPacket(OUTER.src, OUTER.dst, 47, concat(be16(flagsAndVersion), be16(protocol), extra, body)),
    );

  test('checksum + key + sequence', () => {
    const view = decode(gre(0xb000, 0x0800, [0xab, 0xcd, 0, 0, ...be32(77), ...be32(9)], innerIp(V4)));
    assertInner(view, V4);
    assert.equal(view.tunnelId, 77);
  });

  test('RFC 1701 routing present: source route entries skipped up to the NULL entry', () => {
    const sre = [...be16(0x0800), 0, 8, ...be32(0x01020304), ...be32(0x05060708), ...be16(0), 0, 0];
    assertInner(decode(gre(0x4000, 0x0800, [0, 0, 0, 0, ...sre], innerIp(V4))), V4);
  });

  test('transparent Ethernet bridging (0x6558)', () => {
    assertInner(decode(gre(0x0000, 0x6558, [], ethernetFrame(0x0800, innerIp(V4)))), V4);
  });

  test('ERSPAN type I: 0x88BE without sequence number, bare Ethernet', () => {
    const view = decode(gre(0x0000, 0x88be, [], ethernetFrame(0x86dd, innerIp(V6))));
    assertInner(view, V6);
    // Type I has no header (no session id), but it is ERSPAN, not plain GRE.
    assert.deepEqual(tunnelsOf(view), [Tunnel.gre, Tunnel.erspan]);
    assert.deepEqual(outerOf(view)[1], { kind: Tunnel.erspan, id: -1, variant: 1, ip: null });
    assert.equal(view.tunnelId, -1);
  });

  test('ERSPAN type III with the optional platform subheader and frame type IP', () => {
    // version 2, session 5; timestamp; SGT 0, P 0, FT 2 (IP) → byte 10 = 2 << 2; O bit set.
    const header = [...be16(0x2000), ...be16(5), ...be32(1), 0, 0, 2 << 2, 0x01, ...new Array(8).fill(0x77)];
    const view = decode(gre(0x1000, 0x22eb, be32(1), concat(header, innerIp(V4))));
    assertInner(view, V4);
    assert.equal(view.tunnelId, 5);
  });

  test('ERSPAN version mismatch is malformed', () => {
    const header = [...be16(0x2000), ...be16(5), ...be32(0)]; // version 2 under the type II protocol
    assert.equal(
      decode(gre(0x1000, 0x88be, be32(1), concat(header, ethernetFrame(0x0800, innerIp(V4))))).status,
      'malformed',
    );
  });

  test('PPTP enhanced GRE (version 1) with sequence and acknowledgement, PPP inside', () => {
    const ppp = concat([0xff, 0x03, 0x00, 0x21], innerIp(V4));
    const view = decode(
      gre(0x3081, 0x880b, [...be16(ppp.length), ...be16(0x4444), ...be32(1), ...be32(2)], ppp),
    );
    assertInner(view, V4);
    assert.equal(view.tunnelId, 0x4444);
    assert.deepEqual(outerOf(view), [
      { kind: Tunnel.gre, id: 0x4444, variant: 1, ip: { src: OUTER.src, dst: OUTER.dst } },
    ]);
  });

  test('GRE version 2..7 is malformed', () => {
    assert.equal(decode(gre(0x0002, 0x0800, [], innerIp(V4))).status, 'malformed');
  });

  test('Aruba 802.11-in-GRE (as zeek/tunnels/gre-aruba.pcap)', () => {
    const wlan = concat(
      [0x88, 0x01, 0, 0],
      new Uint8Array(22),
      [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00],
      innerIp(V4),
    );
    const view = decode(gre(0x0000, 0x8200, [], wlan));
    assertInner(view, V4);
    assert.deepEqual(tunnelsOf(view), [Tunnel.gre]);
  });

  test('unknown GRE protocol (keepalive 0) is not IP', () => {
    assert.equal(decode(gre(0x0000, 0x0000, [], new Uint8Array(8))).status, 'not-ip');
  });
});

describe('UDP tunnels', () => {
  const udp = (sport: number, dport: number, body: Uint8Array) =>
    linkFrame(
      'ether',
      ipPacket(OUTER.src, OUTER.dst, 17, udpDatagram(OUTER.src, OUTER.dst, sport, dport, body)),
    );

  test('VXLAN-GPE next protocol IPv4 / IPv6 / Ethernet', () => {
    assertInner(decode(udp(1, 4790, concat([0x0c, 0, 0, 1], be32(5 << 8), innerIp(V4)))), V4);
    assertInner(decode(udp(1, 4790, concat([0x0c, 0, 0, 2], be32(5 << 8), innerIp(V6)))), V6);
    assertInner(
      decode(udp(1, 4790, concat([0x0c, 0, 0, 3], be32(5 << 8), ethernetFrame(0x0800, innerIp(V4))))),
      V4,
    );
    assert.equal(decode(udp(1, 4790, concat([0x0c, 0, 0, 4], be32(5 << 8), innerIp(V4)))).status, 'not-ip');
  });

  test('GENEVE carrying IPv4 directly (protocol 0x0800), options skipped', () => {
    const options = [0x01, 0x02, 0x03, 0x01, ...be32(0x11111111)]; // one TLV with 4 bytes of data
    const view = decode(udp(1, 6081, concat([0x02, 0], be16(0x0800), be32(9 << 8), options, innerIp(V4))));
    assertInner(view, V4);
    assert.equal(view.tunnelId, 9);
  });

  test('GENEVE version 1 is malformed', () => {
    assert.equal(
      decode(udp(1, 6081, concat([0x40, 0], be16(0x0800), be32(0), innerIp(V4)))).status,
      'malformed',
    );
  });

  test('GTP-U without optional fields, and non-G-PDU messages', () => {
    const ip = innerIp(V6);
    assertInner(decode(udp(2152, 2152, concat([0x30, 0xff], be16(ip.length), be32(1), ip))), V6);
    const echo = decode(udp(2152, 2152, concat([0x32, 0x01], be16(4), be32(0), [0, 1, 0, 0])));
    assert.equal(echo.status, 'not-ip');
  });

  test('GTP-U extension header of length 0 is malformed (would loop)', () => {
    const view = decode(
      udp(2152, 2152, concat([0x34, 0xff], be16(20), be32(1), [0, 0, 0, 0x85], [0, 0, 0, 0], innerIp(V4))),
    );
    assert.equal(view.status, 'malformed');
  });

  test('Teredo with authentication and origin indication headers', () => {
    const auth = [0x00, 0x01, 2, 3, 0xaa, 0xbb, 1, 2, 3, ...new Array(8).fill(0x99), 0];
    const origin = [0x00, 0x00, 0x12, 0x34, 1, 2, 3, 4];
    assertInner(decode(udp(3544, 40000, concat(auth, origin, innerIp(V6)))), V6);
    // A UDP datagram on the Teredo port that is not IPv6 stays plain UDP.
    assert.equal(decode(udp(3544, 40000, Uint8Array.from([0x45, 1, 2, 3]))).status, 'not-tcp');
  });

  test('ordinary UDP is not TCP', () => {
    assert.equal(decode(udp(5353, 53, new Uint8Array(12))).status, 'not-tcp');
  });
});

describe('MPLS', () => {
  test('two labels over Ethernet, then IPv4; bottom label recorded', () => {
    const labels = [...be32((16 << 12) | (0 << 9) | 64), ...be32((2001 << 12) | 0x100 | 64)];
    const view = decodeBytes(ethernetFrame(0x8847, concat(labels, innerIp(V4))), LinkType.ETHERNET);
    assertInner(view, V4);
    assert.deepEqual(tunnelsOf(view), [Tunnel.mpls]);
    assert.equal(view.tunnelId, 2001);
  });

  test('Ethernet pseudowire with control word', () => {
    const labels = be32((300 << 12) | 0x100 | 64);
    const view = decodeBytes(
      ethernetFrame(0x8847, concat(labels, [0, 0, 0, 0], ethernetFrame(0x86dd, innerIp(V6)))),
      LinkType.ETHERNET,
    );
    assertInner(view, V6);
  });

  test('MPLS in IP (protocol 137)', () => {
    const labels = be32((99 << 12) | 0x100 | 64);
    assertInner(
      decode(linkFrame('ether', ipPacket(OUTER.src, OUTER.dst, 137, concat(labels, innerIp(V4))))),
      V4,
    );
  });

  test('label stack without bottom-of-stack bit ends truncated; absurdly deep stack malformed', () => {
    const noBottom = ethernetFrame(0x8847, Uint8Array.from(be32(16 << 12)));
    assert.equal(decodeBytes(noBottom, LinkType.ETHERNET).status, 'truncated');
    const deep = ethernetFrame(0x8847, concat(...new Array(40).fill(be32(16 << 12)), innerIp(V4)));
    assert.equal(decodeBytes(deep, LinkType.ETHERNET).status, 'malformed');
  });
});

describe('bounded nesting', () => {
  test(`exactly MAX_TUNNELS (${MAX_TUNNELS}) nested tunnels decode`, () => {
    let ip = innerIp(V4);
    for (let i = 0; i < MAX_TUNNELS; i++) ip = tunnelPacket(i % 2 === 0 ? 'gre' : 'ipip', ip, OUTER);
    const view = decodeBytes(ip, LinkType.RAW);
    assertInner(view, V4);
    assert.equal(view.tunnelCount, MAX_TUNNELS);
  });

  test('one more is malformed (crafted IP-in-IP chains end)', () => {
    let ip = innerIp(V4);
    for (let i = 0; i <= MAX_TUNNELS; i++) ip = tunnelPacket('ipip', ip, OUTER);
    const view = decodeBytes(ip, LinkType.RAW);
    assert.equal(view.status, 'malformed');
    assert.equal(view.problem, PROBLEM_TOO_MANY_TUNNELS);
  });

  test('a 64 KiB chain of nested IPv4-in-IPv4 headers still ends quickly', () => {
    const count = 3000;
    const headers: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      // Each header's total length covers every header after it, so the chain is consistent.
      const totalLength = (count - i) * 20;
      headers.push(
        ipv4Packet({ src: OUTER.src, dst: OUTER.dst, protocol: 4, payload: new Uint8Array(0), totalLength }),
      );
    }
    const chain = concat(...headers);
    const view = decodeBytes(chain, LinkType.RAW);
    assert.equal(view.status, 'malformed');
  });
});
