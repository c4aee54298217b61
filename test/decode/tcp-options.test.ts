import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { MAX_SACK_BLOCKS, PacketView } from '../../src/decode/packet-view.ts';
import { isKnownTcpOption, TcpOption } from '../../src/decode/tcp-options.ts';
import { type TcpOptionsSpec, tcpFrame } from '../helpers/frames.ts';
import { decode, optionKindsOf, optionLengthsOf } from './decode-helper.ts';

const withOptions = (options: TcpOptionsSpec, flags = 'S') =>
  decode(tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags, options }));

test('Linux SYN: MSS, SACK-permitted, timestamps, NOP, window scale, in order', () => {
  const view = withOptions({ mss: 1460, sackPerm: true, ts: [0xdeadbeef, 0], wscale: 7 });
  assert.equal(view.status, 'tcp');
  assert.equal(view.mss, 1460);
  assert.equal(view.sackPermitted, true);
  assert.equal(view.hasTimestamp, true);
  assert.equal(view.tsVal, 0xdeadbeef);
  assert.equal(view.tsEcr, 0);
  assert.equal(view.windowScale, 7);
  assert.deepEqual(optionKindsOf(view), [2, 4, 8, 1, 3]);
  assert.equal(view.optionsMalformed, false);
});

test('aligned timestamps (fast path) and unaligned timestamps give the same result', () => {
  const aligned = withOptions({ ts: [1, 0xffffffff] }, 'A');
  assert.deepEqual(optionKindsOf(aligned), [1, 1, 8]);
  assert.equal(aligned.tsEcr, 0xffffffff);
  const unaligned = withOptions({ raw: [8, 10, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0], noPad: true }, 'A');
  assert.equal(unaligned.tsVal, 1);
  assert.equal(unaligned.tsEcr, 0xffffffff);
  assert.deepEqual(optionKindsOf(unaligned), [8, 0]);
});

test(`SACK blocks: up to MAX_SACK_BLOCKS (${MAX_SACK_BLOCKS}) kept`, () => {
  const view = withOptions(
    {
      sack: [
        [100, 200],
        [300, 400],
        [0xfffffff0, 5],
      ],
    },
    'A',
  );
  assert.equal(view.sackCount, 3);
  assert.deepEqual(Array.from(view.sackBlocks.subarray(0, 6)), [100, 200, 300, 400, 0xfffffff0, 5]);
  // 4 blocks fill the 40-byte option space with the 2 NOPs: the maximum TCP allows.
  const four = withOptions(
    {
      sack: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
    },
    'A',
  );
  assert.equal(four.sackCount, 4);
});

test('empty SACK option (length 2, as suricata tcp-empty-sack) is valid with 0 blocks', () => {
  const view = withOptions({ raw: [1, 1, 5, 2] }, 'A');
  assert.equal(view.sackCount, 0);
  assert.equal(view.optionsMalformed, false);
  assert.deepEqual(optionKindsOf(view), [1, 1, 5]);
});

test('MD5 signature and TCP-AO (the injected-RST tells of suricata security-4710)', () => {
  assert.equal(withOptions({ md5: true }, 'RA').hasMd5, true);
  const ao = withOptions({ ao: true }, 'RA');
  assert.equal(ao.hasAuthOption, true);
  assert.equal(ao.hasMd5, false);
});

test('MPTCP subtype is the high nibble of the first data byte', () => {
  assert.equal(withOptions({ mptcp: 0 }).mptcpSubtype, 0);
  assert.equal(withOptions({ mptcp: 2 }, 'A').mptcpSubtype, 2);
  assert.equal(withOptions({}, 'A').mptcpSubtype, -1);
});

test('Fast Open: kind 34 request and cookie, experimental 254 with magic 0xF989 only', () => {
  assert.equal(withOptions({ fastOpen: [] }).fastOpenCookieLength, 0);
  assert.equal(withOptions({ fastOpen: [1, 2, 3, 4, 5, 6, 7, 8] }).fastOpenCookieLength, 8);
  assert.equal(withOptions({ raw: [254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8] }).fastOpenCookieLength, 8);
  const other = withOptions({ raw: [254, 4, 0x12, 0x34] });
  assert.equal(other.fastOpenCookieLength, -1);
  assert.deepEqual(optionKindsOf(other), [254]);
});

test('EOL ends the walk; bytes after it are padding', () => {
  const view = withOptions({ raw: [2, 4, 5, 180, 0, 2, 4, 1], noPad: true });
  assert.equal(view.mss, 1460);
  assert.deepEqual(optionKindsOf(view), [2, 0]);
  assert.equal(view.optionsMalformed, false);
});

test('length byte < 2 or past the header: malformed, walk stops, earlier options kept', () => {
  const zero = withOptions({ raw: [2, 4, 5, 180, 3, 0, 1, 1] });
  assert.equal(zero.mss, 1460);
  assert.equal(zero.optionsMalformed, true);
  assert.equal(zero.windowScale, -1);
  assert.deepEqual(optionKindsOf(zero), [2, 3]);
  const long = withOptions({ raw: [1, 8, 30, 0] });
  assert.equal(long.optionsMalformed, true);
  assert.equal(long.hasTimestamp, false);
  // A kind in the last byte has no room for its length byte.
  const last = withOptions({ raw: [1, 1, 1, 2] });
  assert.equal(last.optionsMalformed, true);
  assert.equal(last.status, 'tcp', 'a bad option does not spoil the segment');
});

test('known kind with a wrong length: value ignored, walk continues, flagged', () => {
  const view = withOptions({ raw: [2, 3, 5, 3, 3, 7, 1, 1] });
  assert.equal(view.mss, -1);
  assert.equal(view.windowScale, 7);
  assert.equal(view.optionsMalformed, true);
});

test('unknown kinds are recorded with their length and skipped by it', () => {
  const view = withOptions({ raw: [28, 4, 0, 100, 69, 2, 2, 4, 5, 180, 1, 1] });
  assert.deepEqual(optionKindsOf(view), [28, 69, 2, 1, 1]);
  assert.deepEqual(optionLengthsOf(view), [4, 2, 4, 1, 1]);
  assert.equal(view.mss, 1460);
  assert.equal(isKnownTcpOption(28), false);
  assert.equal(isKnownTcpOption(69), false);
  assert.equal(isKnownTcpOption(TcpOption.MSS), true);
});

test('option lengths on the fast path, and an option whose length byte the snaplen cut', () => {
  assert.deepEqual(optionLengthsOf(withOptions({ ts: [1, 2] }, 'A')), [1, 1, 10]);
  const frame = tcpFrame({
    src: '10.0.0.1',
    dst: '10.0.0.2',
    flags: 'S',
    options: { raw: [2, 4, 5, 180, 172, 6, 1, 2, 3, 4] },
  });
  const view = new PacketView();
  // Cut right after kind 172, before its length byte.
  decodeFrame(view, frame.bytes, 0, 14 + 20 + 20 + 5, frame.linkType, frame.bytes.length);
  assert.equal(view.optionsTruncated, true);
  assert.deepEqual(optionKindsOf(view), [2, 172]);
  assert.deepEqual(optionLengthsOf(view), [4, 0]);
});

test('40 NOPs: every kind recorded', () => {
  const view = withOptions({ raw: new Array(40).fill(TcpOption.NOP) });
  assert.equal(view.optionCount, 40);
  assert.equal(view.tcpHeaderLength, 60);
});
