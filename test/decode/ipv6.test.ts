import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import { formatAddress } from '../../src/decode/address.ts';
import {
  Ipv6Ext,
  MAX_EXTENSION_HEADERS,
  PROBLEM_EXT_BEYOND_PAYLOAD,
  PROBLEM_EXT_TOO_MANY,
  PROBLEM_IPV6_FRAGMENT,
} from '../../src/decode/ipv6.ts';
import { be16, be32, ethernetFrame, type Ipv6ExtSpec, ipv6Packet, tcpFrame } from '../helpers/frames.ts';
import { decode, decodeBytes } from './decode-helper.ts';

const SPEC = { src: '2001:db8::1', dst: 'fe80::2', sport: 443, dport: 50000, flags: 'R', seq: 42 };
const segment = (payload = 'six') => tcpFrame({ ...SPEC, link: 'raw', payload }).bytes.subarray(40);

function withExt(ext: Ipv6ExtSpec[], protocol = 6, payload = segment()): Uint8Array {
  return ethernetFrame(
    0x86dd,
    ipv6Packet({ src: SPEC.src, dst: SPEC.dst, protocol, payload, ext, hopLimit: 57 }),
  );
}

test('fixed header: hop limit, traffic class, four address words', () => {
  const view = decode(tcpFrame({ ...SPEC, ttl: 250, tos: 0x2e }));
  assert.equal(view.status, 'tcp');
  assert.equal(view.ipVersion, 6);
  assert.equal(view.ttl, 250);
  assert.equal(view.tos, 0x2e);
  assert.equal(view.ipId, -1);
  assert.equal(formatAddress(6, view.src), SPEC.src);
  assert.deepEqual(Array.from(view.dst), [0xfe800000, 0, 0, 2]);
});

test('hop-by-hop, routing, destination options chain; bits recorded', () => {
  const view = decodeBytes(
    withExt([{ type: 0 }, { type: 43, body: [0, 0, 0, 0, 0, 0, ...new Array(16).fill(0)] }, { type: 60 }]),
    LinkType.ETHERNET,
  );
  assert.equal(view.status, 'tcp', view.problem);
  assert.equal(view.ipv6ExtHeaders, Ipv6Ext.hopByHop | Ipv6Ext.routing | Ipv6Ext.destinationOptions);
  assert.equal(view.sport, SPEC.sport);
  assert.equal(view.payloadLength, 3);
  assert.equal(view.ttl, 57);
});

test('AH uses 4-byte units: a 24-byte AH then TCP', () => {
  const view = decodeBytes(withExt([{ type: 51 }]), LinkType.ETHERNET);
  assert.equal(view.status, 'tcp', view.problem);
  assert.equal(view.ipv6ExtHeaders, Ipv6Ext.authentication);
  assert.equal(view.seq, SPEC.seq);
  assert.equal(view.payloadLength, 3);
});

test('first fragment (offset 0, M=1) decodes TCP and keeps the fragment id', () => {
  const view = decodeBytes(
    withExt([{ type: 44, body: [0, ...be16(0x0001), ...be32(0xcafebabe)] }]),
    LinkType.ETHERNET,
  );
  assert.equal(view.status, 'tcp');
  assert.equal(view.isFragment, true);
  assert.equal(view.ipId, 0xcafebabe);
  assert.equal(view.ipv6ExtHeaders, Ipv6Ext.fragment);
});

test('non-first fragment → fragment', () => {
  const view = decodeBytes(
    withExt([{ type: 44, body: [0, ...be16(100 << 3), ...be32(7)] }]),
    LinkType.ETHERNET,
  );
  assert.equal(view.status, 'fragment');
  assert.equal(view.problem, PROBLEM_IPV6_FRAGMENT);
  assert.equal(view.ipId, 7);
});

test('no next header (59) and ESP (50) are not TCP', () => {
  assert.equal(decodeBytes(withExt([], 59, new Uint8Array(0)), LinkType.ETHERNET).status, 'not-tcp');
  assert.equal(
    decodeBytes(withExt([{ type: 60 }], 59, new Uint8Array(0)), LinkType.ETHERNET).status,
    'not-tcp',
  );
  assert.equal(decodeBytes(withExt([], 50, new Uint8Array(16)), LinkType.ETHERNET).status, 'not-tcp');
});

test(`more than MAX_EXTENSION_HEADERS (${MAX_EXTENSION_HEADERS}) is malformed`, () => {
  const ok = decodeBytes(withExt(new Array(MAX_EXTENSION_HEADERS).fill({ type: 60 })), LinkType.ETHERNET);
  assert.equal(ok.status, 'tcp');
  const tooMany = decodeBytes(
    withExt(new Array(MAX_EXTENSION_HEADERS + 1).fill({ type: 60 })),
    LinkType.ETHERNET,
  );
  assert.equal(tooMany.status, 'malformed');
  assert.equal(tooMany.problem, PROBLEM_EXT_TOO_MANY);
});

test('extension header longer than the payload length is malformed', () => {
  const packet = ipv6Packet({
    src: SPEC.src,
    dst: SPEC.dst,
    protocol: 6,
    payload: segment(),
    ext: [{ type: 0 }],
    payloadLength: 6,
  });
  const view = decodeBytes(ethernetFrame(0x86dd, packet), LinkType.ETHERNET);
  assert.equal(view.status, 'malformed');
  assert.equal(view.problem, PROBLEM_EXT_BEYOND_PAYLOAD);
});

test('payload length 0 (jumbogram/TSO): payload from the captured bytes', () => {
  const packet = ipv6Packet({
    src: SPEC.src,
    dst: SPEC.dst,
    protocol: 6,
    payload: segment('12345'),
    payloadLength: 0,
  });
  const view = decodeBytes(packet, LinkType.RAW);
  assert.equal(view.status, 'tcp');
  assert.equal(view.payloadLength, 5);
});

test('IPv4 inside IPv6 (protocol 4): inner IPv4 clears the upper address words', () => {
  const inner = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', link: 'raw' }).bytes;
  const packet = ipv6Packet({ src: SPEC.src, dst: SPEC.dst, protocol: 4, payload: inner });
  const view = decodeBytes(packet, LinkType.RAW);
  assert.equal(view.status, 'tcp');
  assert.equal(view.ipVersion, 4);
  assert.deepEqual(Array.from(view.src), [0x0a000001, 0, 0, 0]);
  assert.equal(view.ipv6ExtHeaders, 0);
});
