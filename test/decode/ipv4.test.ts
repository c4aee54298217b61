import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import {
  PROBLEM_IPV4_FRAGMENT,
  PROBLEM_IPV4_IHL,
  PROBLEM_IPV4_TOTAL_LENGTH,
  PROBLEM_IPV4_VERSION,
} from '../../src/decode/ipv4.ts';
import { ethernetFrame, ipv4Packet, tcpFrame } from '../helpers/frames.ts';
import { decode, decodeBytes } from './decode-helper.ts';

const SPEC = { src: '192.0.2.10', dst: '203.0.113.5', sport: 1234, dport: 80, flags: 'PA', seq: 1, ack: 1 };
/** The TCP segment bytes of a spec (20-byte header + payload). */
const segment = (payload = 'hello') => tcpFrame({ ...SPEC, link: 'raw', payload }).bytes.subarray(20);

function frame(fields: Partial<Parameters<typeof ipv4Packet>[0]>, payload = segment()): Uint8Array {
  return ethernetFrame(0x0800, ipv4Packet({ src: SPEC.src, dst: SPEC.dst, protocol: 6, payload, ...fields }));
}

test('header fields: TTL, identification, TOS, DF, addresses as numbers', () => {
  const view = decode(tcpFrame({ ...SPEC, ttl: 113, ipId: 0xbeef, tos: 0xb8, df: true }));
  assert.equal(view.ipVersion, 4);
  assert.equal(view.ttl, 113);
  assert.equal(view.ipId, 0xbeef);
  assert.equal(view.tos, 0xb8);
  assert.equal(view.dontFragment, true);
  assert.equal(view.isFragment, false);
  assert.equal(view.src[0], 0xc000020a);
  assert.equal(view.dst[0], 0xcb007105);
  assert.deepEqual(Array.from(view.src.subarray(1)), [0, 0, 0]);
  assert.equal(view.ipOffset, 14);
});

test('options: IHL 6..15 moves the TCP header', () => {
  for (const optionBytes of [4, 12, 40]) {
    const view = decodeBytes(frame({ options: new Array(optionBytes).fill(1) }), LinkType.ETHERNET);
    assert.equal(view.status, 'tcp');
    assert.equal(view.ipOptionsLength, optionBytes);
    assert.equal(view.tcpOffset, 14 + 20 + optionBytes);
    assert.equal(view.payloadLength, 5);
  }
});

test('bad version, IHL < 5 and total length < header are malformed', () => {
  const badVersion = frame({});
  badVersion[14] = 0x65;
  assert.equal(decodeBytes(badVersion, LinkType.ETHERNET).problem, PROBLEM_IPV4_VERSION);
  const badIhl = frame({});
  badIhl[14] = 0x44;
  assert.equal(decodeBytes(badIhl, LinkType.ETHERNET).problem, PROBLEM_IPV4_IHL);
  const short = decodeBytes(frame({ totalLength: 19 }), LinkType.ETHERNET);
  assert.equal(short.status, 'malformed');
  assert.equal(short.problem, PROBLEM_IPV4_TOTAL_LENGTH);
});

test('total length 0 (TSO capture): payload from the captured bytes', () => {
  const view = decodeBytes(frame({ totalLength: 0 }, segment('0123456789')), LinkType.ETHERNET);
  assert.equal(view.status, 'tcp');
  assert.equal(view.payloadLength, 10);
  assert.equal(view.payloadCaptured, 10);
});

test('snaplen cut: payload length from IP, captured part separately', () => {
  const full = frame({}, segment('x'.repeat(1000)));
  const cut = full.subarray(0, 14 + 20 + 20 + 30);
  const view = decodeBytes(cut, LinkType.ETHERNET);
  assert.equal(view.status, 'tcp');
  assert.equal(view.payloadLength, 1000);
  assert.equal(view.payloadCaptured, 30);
  assert.equal(view.payloadOffset, 54);
});

test('a total length beyond the wire length is capped at it (tshark: "exceeds packet length")', () => {
  const bytes = frame({ totalLength: 9000 }, segment('y'.repeat(100)));
  const withWire = decode({ bytes, linkType: LinkType.ETHERNET }, bytes.length);
  assert.equal(withWire.payloadLength, 100);
  // Without the wire length the header is believed (a snaplen may have cut the frame).
  assert.equal(decode({ bytes, linkType: LinkType.ETHERNET }).payloadLength, 9000 - 40);
});

test('non-first fragment: status fragment, IP fields kept, no TCP', () => {
  const view = decodeBytes(frame({ fragmentOffset: 185, id: 77 }), LinkType.ETHERNET);
  assert.equal(view.status, 'fragment');
  assert.equal(view.problem, PROBLEM_IPV4_FRAGMENT);
  assert.equal(view.isFragment, true);
  assert.equal(view.ipId, 77);
  assert.equal(view.sport, -1);
});

test('first fragment (MF, offset 0) still decodes the TCP header', () => {
  const view = decodeBytes(frame({ mf: true }), LinkType.ETHERNET);
  assert.equal(view.status, 'tcp');
  assert.equal(view.isFragment, true);
  assert.equal(view.sport, SPEC.sport);
});

test('UDP, ICMP and ESP are not TCP', () => {
  for (const protocol of [1, 17, 50, 132]) {
    const view = decodeBytes(frame({ protocol }, new Uint8Array(16)), LinkType.ETHERNET);
    assert.equal(view.status, 'not-tcp', `protocol ${protocol}`);
    assert.equal(view.ipVersion, 4);
  }
});

test('AH after an IPv4 header is skipped (length in 4-byte units minus 2)', () => {
  const ah = [6, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, ...new Array(12).fill(0xcc)]; // 24 bytes: (4 + 2) * 4
  const view = decodeBytes(
    frame({ protocol: 51 }, Uint8Array.from([...ah, ...segment()])),
    LinkType.ETHERNET,
  );
  assert.equal(view.status, 'tcp');
  assert.equal(view.payloadLength, 5);
  assert.equal(view.sport, SPEC.sport);
});
