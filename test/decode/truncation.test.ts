/**
 * Hostile input: every prefix of a valid frame, and randomly corrupted frames. decodeFrame must
 * never throw, never read outside data[offset, offset + length), and say 'truncated' exactly when
 * the bytes stop inside a header.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import { decodeFrame, SUPPORTED_LINK_TYPES } from '../../src/decode/decode-frame.ts';
import { type DecodeStatus, PacketView } from '../../src/decode/packet-view.ts';
import { type BuiltFrame, tcpFrame } from '../helpers/frames.ts';

const OPTIONS = { mss: 1460, sackPerm: true, ts: [7, 9] as [number, number], wscale: 7 };
const V4 = { src: '10.0.0.1', dst: '10.0.0.2', flags: 'SA', payload: 'payload!', options: OPTIONS };
const V6 = { ...V4, src: '2001:db8::1', dst: '2001:db8::2' };

const FRAMES: [string, BuiltFrame][] = [
  ['ether/IPv4', tcpFrame(V4)],
  ['ether/QinQ/IPv6', tcpFrame({ ...V6, vlan: [1, 2] })],
  ['raw/IPv4', tcpFrame({ ...V4, link: 'raw' })],
  ['sll/IPv6', tcpFrame({ ...V6, link: 'sll' })],
  ['sll2/IPv4', tcpFrame({ ...V4, link: 'sll2' })],
  ['null/IPv6', tcpFrame({ ...V6, link: 'null' })],
  ['loop/IPv4', tcpFrame({ ...V4, link: 'loop' })],
  ['vxlan', tcpFrame({ ...V4, tunnel: 'vxlan' })],
  ['geneve', tcpFrame({ ...V6, tunnel: 'geneve' })],
  ['gre', tcpFrame({ ...V4, tunnel: 'gre', tunnelId: 5 })],
  ['erspan2', tcpFrame({ ...V4, tunnel: 'erspan2' })],
  ['erspan3', tcpFrame({ ...V4, tunnel: 'erspan3' })],
  ['gtp', tcpFrame({ ...V4, tunnel: 'gtp' })],
  ['ipip', tcpFrame({ ...V4, tunnel: 'ipip' })],
  ['6in4', tcpFrame({ ...V6, tunnel: '6in4' })],
  ['teredo', tcpFrame({ ...V6, tunnel: 'teredo' })],
];

const STATUSES: DecodeStatus[] = [
  'tcp',
  'not-ip',
  'not-tcp',
  'fragment',
  'truncated',
  'malformed',
  'unsupported-link',
];

describe('every prefix of a valid frame', () => {
  for (const [name, frame] of FRAMES) {
    test(name, () => {
      const full = new PacketView();
      decodeFrame(full, frame.bytes, 0, frame.bytes.length, frame.linkType);
      assert.equal(full.status, 'tcp');
      const headersEnd = full.payloadOffset;
      // The frame sits at offset 3 of a larger buffer whose other bytes are the rest of the
      // frame: reading past `length` would find valid data and hide the truncation.
      const buffer = new Uint8Array(frame.bytes.length + 3);
      buffer.set(frame.bytes, 3);
      // The fixed 20-byte TCP header is all a TCP packet needs: from there on, only the options
      // (and then the payload) are missing.
      const fixedHeaderEnd = full.tcpOffset + 20;
      const view = new PacketView();
      for (let cut = 0; cut <= frame.bytes.length; cut++) {
        decodeFrame(view, buffer, 3, cut, frame.linkType);
        if (cut < fixedHeaderEnd) {
          assert.equal(view.status, 'truncated', `${name} cut at ${cut}: ${view.problem}`);
          assert.notEqual(view.problem, '');
          continue;
        }
        assert.equal(view.status, 'tcp', `${name} cut at ${cut}`);
        assert.equal(view.payloadLength, full.payloadLength, 'payload length from the IP length');
        assert.equal(view.seq, full.seq);
        assert.equal(view.ack, full.ack);
        assert.equal(view.flags, full.flags);
        assert.equal(view.window, full.window);
        assert.equal(view.optionsTruncated, cut < headersEnd, `${name} cut at ${cut}`);
        assert.equal(view.optionsMalformed, false, 'a cut is not a malformed option');
        if (cut < headersEnd) {
          assert.equal(view.payloadCaptured, 0);
          assert.equal(view.payloadOffset, cut + 3, 'the payload window stays inside the captured bytes');
          assert.ok(view.optionCount <= full.optionCount);
        } else {
          assert.equal(view.payloadCaptured, cut - headersEnd);
          assert.equal(view.payloadOffset, headersEnd + 3);
          assert.deepEqual(
            Array.from(view.optionKinds.subarray(0, view.optionCount)),
            Array.from(full.optionKinds.subarray(0, full.optionCount)),
          );
        }
      }
    });
  }
});

test('options cut by the snaplen: a TCP packet, options read up to the cut, the rest unknown', () => {
  const frame = FRAMES[0][1]; // Ethernet, IPv4, options: MSS, SACK-permitted, timestamps, window scale
  const view = new PacketView();
  decodeFrame(view, frame.bytes, 0, 14 + 20 + 25, frame.linkType, frame.bytes.length);
  assert.equal(view.status, 'tcp');
  assert.equal(view.problem, '');
  assert.equal(view.flags, 0x12);
  assert.equal(view.optionsTruncated, true);
  assert.equal(view.mss, 1460, 'options present before the cut are read');
  assert.equal(view.windowScale, -1, 'the window scale after the cut is unknown');
  assert.equal(view.payloadLength, 8, 'payload length from the IP length');
  assert.equal(view.payloadCaptured, 0);
  assert.equal(view.optionsMalformed, false, 'a cut is not a malformed option');
});

test('an IP payload too short for the fixed TCP header: malformed when captured whole, truncated when cut', () => {
  // IPv4 total length 20 + 15: tshark's "Short segment"; the Ethernet padding holds the rest.
  const frame = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'S' });
  const bytes = frame.bytes.slice();
  bytes[14 + 2] = 0;
  bytes[14 + 3] = 35;
  const view = new PacketView();
  decodeFrame(view, bytes, 0, bytes.length, frame.linkType, bytes.length);
  assert.equal(view.status, 'malformed');
  assert.equal(view.problem, 'IP payload shorter than a TCP header');
  decodeFrame(view, frame.bytes, 0, 14 + 20 + 15, frame.linkType, frame.bytes.length);
  assert.equal(view.status, 'truncated');
  assert.equal(view.problem, 'TCP header cut short');
});

test('offset/length outside the buffer are reported, not read', () => {
  const view = new PacketView();
  const bytes = FRAMES[0][1].bytes;
  decodeFrame(view, bytes, 10, bytes.length, LinkType.ETHERNET);
  assert.equal(view.status, 'truncated');
  decodeFrame(view, bytes, -1, 10, LinkType.ETHERNET);
  assert.equal(view.status, 'truncated');
  decodeFrame(view, bytes, Number.NaN, 10, LinkType.ETHERNET);
  assert.equal(view.status, 'truncated');
});

/** xorshift32: reproducible fuzzing without a dependency. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function checkInvariants(view: PacketView, offset: number, length: number, label: string): void {
  assert.ok(STATUSES.includes(view.status), label);
  assert.ok(view.vlanCount >= 0 && view.vlanCount <= view.vlanIds.length, label);
  assert.ok(view.tunnelCount >= 0 && view.tunnelCount <= view.tunnels.length, label);
  assert.ok(view.optionCount <= view.optionKinds.length, label);
  if (view.status === 'tcp') {
    assert.ok(view.tcpOffset >= offset, label);
    assert.ok(view.payloadOffset + view.payloadCaptured <= offset + length, label);
    assert.ok(view.payloadCaptured >= 0 && view.payloadCaptured <= view.payloadLength, label);
    assert.ok(view.ipVersion === 4 || view.ipVersion === 6, label);
  }
}

test('20 000 randomly corrupted frames on every link type: no throw, invariants hold', () => {
  const next = rng(0x5eed);
  const view = new PacketView();
  for (let i = 0; i < 20000; i++) {
    const [name, frame] = FRAMES[next() % FRAMES.length];
    const bytes = frame.bytes.slice();
    const flips = 1 + (next() % 4);
    for (let f = 0; f < flips; f++) bytes[next() % bytes.length] = next() & 0xff;
    const linkType =
      next() % 8 === 0 ? SUPPORTED_LINK_TYPES[next() % SUPPORTED_LINK_TYPES.length] : frame.linkType;
    const length = next() % 4 === 0 ? next() % (bytes.length + 1) : bytes.length;
    decodeFrame(view, bytes, 0, length, linkType);
    checkInvariants(view, 0, length, `${name} #${i}`);
  }
});

test('random bytes on every supported link type: no throw', () => {
  const next = rng(42);
  const view = new PacketView();
  for (const linkType of SUPPORTED_LINK_TYPES) {
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(next() % 200);
      for (let b = 0; b < bytes.length; b++) bytes[b] = next() & 0xff;
      // Bias toward IPv4/IPv6 version nibbles so the deeper layers are reached.
      if (bytes.length > 0 && i % 2 === 0) bytes[0] = (bytes[0] & 0x0f) | (i % 4 === 0 ? 0x40 : 0x60);
      decodeFrame(view, bytes, 0, bytes.length, linkType);
      checkInvariants(view, 0, bytes.length, `link ${linkType} #${i}`);
    }
  }
});
