import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import { PROBLEM_TOO_MANY_VLANS } from '../../src/decode/ethernet.ts';
import { MAX_VLANS } from '../../src/decode/packet-view.ts';
import { ethernetFrame, tcpFrame } from '../helpers/frames.ts';
import { decode, decodeBytes, vlansOf } from './decode-helper.ts';

const SPEC = { src: '10.0.0.1', dst: '10.0.0.2', sport: 1000, dport: 80, flags: 'S' };
const ip = () => tcpFrame({ ...SPEC, link: 'raw' }).bytes;

test('802.1Q single tag: VLAN id recorded, priority bits masked off', () => {
  const view = decodeBytes(ethernetFrame(0x0800, ip(), [0xe000 | 123]), LinkType.ETHERNET);
  assert.equal(view.status, 'tcp');
  assert.deepEqual(vlansOf(view), [123]);
});

test('802.1ad QinQ (0x88A8 outer, 0x8100 inner), outermost first', () => {
  const view = decodeBytes(ethernetFrame(0x0800, ip(), [100, 200], [0x88a8, 0x8100]), LinkType.ETHERNET);
  assert.equal(view.status, 'tcp');
  assert.deepEqual(vlansOf(view), [100, 200]);
});

test('pre-standard 0x9100 / 0x9200 stacks', () => {
  const view = decodeBytes(
    ethernetFrame(
      0x86dd,
      tcpFrame({ src: '::1', dst: '::2', link: 'raw' }).bytes,
      [7, 8, 9],
      [0x9100, 0x9200, 0x8100],
    ),
    LinkType.ETHERNET,
  );
  assert.equal(view.status, 'tcp');
  assert.deepEqual(vlansOf(view), [7, 8, 9]);
});

test(`up to MAX_VLANS (${MAX_VLANS}) tags decode; one more is malformed`, () => {
  const ids = Array.from({ length: MAX_VLANS }, (_, i) => i + 1);
  assert.deepEqual(vlansOf(decode(tcpFrame({ ...SPEC, vlan: ids }))), ids);
  const deeper = decode(tcpFrame({ ...SPEC, vlan: [...ids, 99] }));
  assert.equal(deeper.status, 'malformed');
  assert.equal(deeper.problem, PROBLEM_TOO_MANY_VLANS);
});

test('VLAN tag carrying an 802.3 length and LLC/SNAP', () => {
  const llcSnap = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...ip()];
  const view = decodeBytes(ethernetFrame(llcSnap.length, Uint8Array.from(llcSnap), [55]), LinkType.ETHERNET);
  assert.equal(view.status, 'tcp');
  assert.deepEqual(vlansOf(view), [55]);
});

test('VLAN-tagged ARP is not IP, tag still recorded', () => {
  const view = decodeBytes(ethernetFrame(0x0806, new Uint8Array(28), [5]), LinkType.ETHERNET);
  assert.equal(view.status, 'not-ip');
  assert.deepEqual(vlansOf(view), [5]);
});
