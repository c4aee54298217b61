import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import { tcpFrame } from '../helpers/frames.ts';

/** Scalar fields and the used prefix of each array: what a consumer can observe. */
function observable(view: PacketView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(view)) {
    if (!ArrayBuffer.isView(value)) out[key] = value;
  }
  out.src = Array.from(view.src);
  out.dst = Array.from(view.dst);
  out.vlans = Array.from(view.vlanIds.subarray(0, view.vlanCount));
  const tunnels = view.tunnelCount;
  out.tunnels = Array.from(view.tunnels.subarray(0, tunnels));
  out.tunnelIds = Array.from(view.tunnelIds.subarray(0, tunnels));
  out.tunnelVariants = Array.from(view.tunnelVariants.subarray(0, tunnels));
  out.tunnelIpVersions = Array.from(view.tunnelIpVersions.subarray(0, tunnels));
  out.tunnelSrc = Array.from(view.tunnelSrc.subarray(0, tunnels * 4));
  out.tunnelDst = Array.from(view.tunnelDst.subarray(0, tunnels * 4));
  out.kinds = Array.from(view.optionKinds.subarray(0, view.optionCount));
  out.lengths = Array.from(view.optionLengths.subarray(0, view.optionCount));
  out.sack = Array.from(view.sackBlocks.subarray(0, view.sackCount * 2));
  return out;
}

test('clear() returns every observable field to the state of a fresh view', () => {
  const view = new PacketView();
  const rich = tcpFrame({
    src: '2001:db8::1',
    dst: '2001:db8::2',
    flags: 'SA',
    options: { mss: 1400, ts: [1, 2], sack: [[1, 2]], mptcp: 1 },
    payload: 'x',
    tunnel: 'vxlan',
    vlan: [7],
  });
  decodeFrame(view, rich.bytes, 0, rich.bytes.length, rich.linkType);
  assert.equal(view.status, 'tcp');
  view.clear();
  assert.deepEqual(observable(view), observable(new PacketView()));
});

test('a reused view carries nothing over from the previous frame', () => {
  const view = new PacketView();
  const rich = tcpFrame({
    src: '10.0.0.1',
    dst: '10.0.0.2',
    flags: 'SA',
    options: { mss: 1400, sackPerm: true, ts: [1, 2], wscale: 3, fastOpen: [1, 2, 3, 4] },
    tunnel: 'gre',
    tunnelId: 9,
    vlan: [1, 2],
  });
  const plain = tcpFrame({ src: '10.0.0.3', dst: '10.0.0.4', flags: 'R', link: 'raw' });
  decodeFrame(view, rich.bytes, 0, rich.bytes.length, rich.linkType);
  decodeFrame(view, plain.bytes, 0, plain.bytes.length, plain.linkType);
  const fresh = new PacketView();
  decodeFrame(fresh, plain.bytes, 0, plain.bytes.length, plain.linkType);
  assert.deepEqual(observable(view), observable(fresh));
  assert.equal(view.mss, -1);
  assert.equal(view.tunnelId, -1);
  assert.equal(view.vlanCount, 0);
});
