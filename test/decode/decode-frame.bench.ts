/**
 * Micro-benchmark of decodeFrame (not a test: timing goals live in benchmarks).
 *
 *   node test/decode/decode-frame.bench.ts [frames]
 *
 * Lays out `frames` (default 1M) synthetic frames back to back in one buffer, as the capture
 * reader hands them over (one big reused buffer, offsets into it), and decodes them all, several
 * rounds; prints CPU ns/frame (best round) for a few frame shapes and the heap growth.
 */
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import { type BuiltFrame, tcpFrame } from '../helpers/frames.ts';

const FRAMES = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 5;

function layOut(
  frame: BuiltFrame,
  count: number,
): { buffer: Uint8Array; offsets: Uint32Array; length: number } {
  const length = frame.bytes.length;
  const buffer = new Uint8Array(length * count);
  const offsets = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    buffer.set(frame.bytes, i * length);
    offsets[i] = i * length;
    // Vary the sequence number so nothing is constant-folded.
    buffer[i * length + frame.bytes.length - 1] = i & 0xff;
  }
  return { buffer, offsets, length };
}

const shapes: [string, BuiltFrame][] = [
  [
    'Ethernet/IPv4/TCP + timestamps (ACK)',
    tcpFrame({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      flags: 'A',
      options: { ts: [123456, 654321] },
      payload: 'x',
    }),
  ],
  [
    'Ethernet/IPv4/TCP SYN (MSS, SACK-perm, TS, WS)',
    tcpFrame({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      flags: 'S',
      options: { mss: 1460, sackPerm: true, ts: [1, 0], wscale: 7 },
    }),
  ],
  [
    'Ethernet/802.1Q/IPv6/TCP + timestamps',
    tcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', flags: 'A', options: { ts: [1, 2] }, vlan: [100] }),
  ],
  [
    'Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/TCP',
    tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'A', options: { ts: [1, 2] }, tunnel: 'vxlan' }),
  ],
];

/**
 * Reference: the cheapest possible "decoder" (read ports and sequence number, store 3 fields) over
 * the same buffer. Its cost is mostly memory traffic and loop overhead, and says how fast the
 * machine is: compare decodeFrame with it rather than with numbers measured elsewhere.
 */
function reference(
  buffer: Uint8Array,
  offsets: Uint32Array,
  out: { sport: number; dport: number; seq: number },
) {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < offsets.length; i++) {
      const o = offsets[i] + 34;
      out.sport = (buffer[o] << 8) | buffer[o + 1];
      out.dport = (buffer[o + 2] << 8) | buffer[o + 3];
      out.seq = ((buffer[o + 4] << 24) | (buffer[o + 5] << 16) | (buffer[o + 6] << 8) | buffer[o + 7]) >>> 0;
    }
    const used = process.cpuUsage(t0);
    best = Math.min(best, ((used.user + used.system) * 1000) / offsets.length);
  }
  return best;
}

const view = new PacketView();
{
  const { buffer, offsets } = layOut(shapes[0][1], FRAMES);
  const ns = reference(buffer, offsets, { sport: 0, dport: 0, seq: 0 });
  console.log(
    `${'reference: read ports + seq, no decoding'.padEnd(50)} ${ns.toFixed(1).padStart(6)} ns/frame`,
  );
}
for (const [name, frame] of shapes) {
  const { buffer, offsets, length } = layOut(frame, FRAMES);
  let best = Number.POSITIVE_INFINITY;
  let checksum = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  for (let round = 0; round < ROUNDS; round++) {
    // CPU time of this thread, not wall time: other processes on a shared machine do not count.
    const t0 = process.cpuUsage();
    for (let i = 0; i < FRAMES; i++) {
      decodeFrame(view, buffer, offsets[i], length, frame.linkType, length);
      checksum = (checksum + view.seq + view.tsVal) | 0;
    }
    const used = process.cpuUsage(t0);
    const ns = ((used.user + used.system) * 1000) / FRAMES;
    if (ns < best) best = ns;
  }
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  if (view.status !== 'tcp') throw new Error(`${name}: decoded as ${view.status}`);
  console.log(
    `${name.padEnd(50)} ${best.toFixed(1).padStart(6)} ns/frame  (best of ${ROUNDS} x ${FRAMES} frames; heap +${(heapGrowth / 1024).toFixed(0)} KiB; ${checksum})`,
  );
}
