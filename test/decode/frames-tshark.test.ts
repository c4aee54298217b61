/**
 * The frame builder and the decoder, checked by an independent dissector: synthetic frames of
 * every link type and tunnel are written to pcap files and read back with tshark (skipped when
 * tshark is not installed). tshark must see valid IP/UDP/TCP checksums and the same TCP fields
 * as decodeFrame.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { formatAddress } from '../../src/decode/address.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import {
  type BuiltFrame,
  type Link,
  type TcpFrameSpec,
  type TunnelSpec,
  tcpFrame,
} from '../helpers/frames.ts';

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pcapFile(frames: BuiltFrame[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(frames[0].linkType, 20);
  const parts = [header];
  frames.forEach((frame, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + i, 0);
    record.writeUInt32LE(frame.bytes.length, 8);
    record.writeUInt32LE(frame.bytes.length, 12);
    parts.push(record, Buffer.from(frame.bytes));
  });
  return Buffer.concat(parts);
}

const FIELDS = [
  'ip.src',
  'ipv6.src',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.flags',
  'tcp.len',
  'tcp.window_size_value',
  'tcp.options.mss_val',
  'tcp.options.timestamp.tsval',
  'tcp.checksum.status',
  'ip.checksum.status',
  'udp.checksum.status',
];

const dir = mkdtempSync(path.join(tmpdir(), 'rstscope-frames-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base: TcpFrameSpec = {
  src: '10.20.30.40',
  dst: '10.20.30.41',
  sport: 33333,
  dport: 8080,
  seq: 0xfedcba98,
  ack: 0x01234567,
  flags: 'PAE',
  window: 501,
  payload: 'abcdefg',
  options: { mss: 1380, ts: [100, 200] },
};
const links: Link[] = ['ether', 'raw', 'sll', 'sll2', 'null', 'loop'];
const tunnels: (TunnelSpec | undefined)[] = [
  undefined,
  'vxlan',
  'geneve',
  'gre',
  'erspan2',
  'erspan3',
  'gtp',
  'ipip',
];

for (const link of links) {
  test(`tshark reads builder frames on link '${link}' like decodeFrame`, {
    skip: !hasTshark() && 'tshark not installed',
  }, () => {
    const specs: TcpFrameSpec[] = [];
    for (const tunnel of tunnels)
      specs.push({ ...base, link, tunnel, vlan: link === 'ether' ? [12] : undefined });
    specs.push({ ...base, link, src: '2001:db8::40', dst: '2001:db8::41' });
    specs.push({ ...base, link, src: '2001:db8::40', dst: '2001:db8::41', tunnel: 'teredo' });
    specs.push({ ...base, link, src: '2001:db8::40', dst: '2001:db8::41', tunnel: '6in4' });
    const frames = specs.map(tcpFrame);
    const file = path.join(dir, `${link}.pcap`);
    writeFileSync(file, pcapFile(frames));
    const out = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-o',
        'tcp.check_checksum:TRUE',
        '-o',
        'ip.check_checksum:TRUE',
        '-o',
        'udp.check_checksum:TRUE',
        '-T',
        'fields',
        '-E',
        'separator=\t',
        '-E',
        'occurrence=l',
        ...FIELDS.flatMap((f) => ['-e', f]),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    ).toString();
    const rows = out
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t'));
    assert.equal(rows.length, frames.length);
    const view = new PacketView();
    frames.forEach((frame, i) => {
      const row = Object.fromEntries(FIELDS.map((f, k) => [f, row0(rows[i], k)]));
      decodeFrame(view, frame.bytes, 0, frame.bytes.length, frame.linkType);
      const label = `${link} frame ${i + 1} (${specs[i].tunnel ?? 'no tunnel'})`;
      assert.equal(view.status, 'tcp', label);
      assert.equal(row['tcp.checksum.status'], '1', `${label}: TCP checksum good`);
      assert.notEqual(row['ip.checksum.status'], '0', `${label}: IPv4 header checksum not bad`);
      assert.notEqual(row['udp.checksum.status'], '0', `${label}: UDP checksum not bad`);
      const v = view.ipVersion === 6 ? 6 : 4;
      assert.equal(formatAddress(v, view.src), v === 6 ? row['ipv6.src'] : row['ip.src'], label);
      assert.equal(String(view.sport), row['tcp.srcport'], label);
      assert.equal(String(view.dport), row['tcp.dstport'], label);
      assert.equal(String(view.seq), row['tcp.seq_raw'], label);
      assert.equal(String(view.ack), row['tcp.ack_raw'], label);
      assert.equal((view.reservedBits << 9) | view.flags, Number(row['tcp.flags']), label);
      assert.equal(String(view.payloadLength), row['tcp.len'], label);
      assert.equal(String(view.window), row['tcp.window_size_value'], label);
      assert.equal(String(view.mss), row['tcp.options.mss_val'], label);
      assert.equal(String(view.tsVal), row['tcp.options.timestamp.tsval'], label);
    });
  });
}

function row0(row: string[], k: number): string {
  return row[k] ?? '';
}
