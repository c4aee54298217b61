import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpChecksumOk } from '../../src/decode/checksum.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import { tcpFrame } from '../helpers/frames.ts';

const check = (spec: Parameters<typeof tcpFrame>[0], cut?: number): boolean | null => {
  const frame = tcpFrame(spec);
  const view = new PacketView();
  decodeFrame(view, frame.bytes, 0, cut ?? frame.bytes.length, frame.linkType);
  return tcpChecksumOk(view, frame.bytes);
};

test('correct checksums over the IPv4 and IPv6 pseudo-headers, odd and even lengths', () => {
  for (const payload of ['', 'a', 'ab', 'hello world']) {
    assert.equal(
      check({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'PA', payload }),
      true,
      `v4 ${payload.length}`,
    );
    assert.equal(
      check({ src: '2001:db8::1', dst: '2001:db8::2', flags: 'PA', payload }),
      true,
      `v6 ${payload.length}`,
    );
  }
  assert.equal(
    check({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      flags: 'S',
      options: { mss: 1460, ts: [1, 2] },
      tunnel: 'vxlan',
    }),
    true,
  );
});

test('a wrong checksum (offload, corruption) is detected', () => {
  assert.equal(check({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'R', badChecksum: true }), false);
  assert.equal(check({ src: '2001:db8::1', dst: '2001:db8::2', flags: 'R', badChecksum: true }), false);
});

test('a flipped payload byte is detected', () => {
  const frame = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'PA', payload: 'data' });
  frame.bytes[frame.bytes.length - 1] ^= 0x01;
  const view = new PacketView();
  decodeFrame(view, frame.bytes, 0, frame.bytes.length, frame.linkType);
  assert.equal(tcpChecksumOk(view, frame.bytes), false);
});

test('null when the segment is not fully captured or not TCP', () => {
  const spec = { src: '10.0.0.1', dst: '10.0.0.2', flags: 'PA', payload: 'data' };
  const frame = tcpFrame(spec);
  assert.equal(check(spec, frame.bytes.length - 1), null);
  assert.equal(check(spec, 20), null);
});

test('null when the snaplen cut the options of a segment without payload', () => {
  // The bytes after the cut are intact here, so reading past the captured length would say true.
  const spec = {
    src: '10.0.0.1',
    dst: '10.0.0.2',
    flags: 'S',
    options: { mss: 1460, ts: [1, 2] as [number, number] },
  };
  assert.equal(check(spec), true);
  assert.equal(check(spec, 14 + 20 + 20 + 4), null);
});
