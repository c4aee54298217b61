import { writeFileSync } from 'node:fs';
import { PcapngWriter, PcapWriter } from '../../src/capture/pcap-writer.ts';
import { readCapture } from '../../src/capture/read-capture.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';

/**
 * Rewrites of real captures for the multi-capture tests: a clock that runs fast and starts off
 * (drift), a subset of a capture's connections, a forged packet made to mimic a host (TTL, IP ID).
 * Each writes a plain pcap (Ethernet captures only, as the lab's are).
 */

/** Every timestamp t becomes t0 + (t − t0)·scale·(1 + driftPpm·10⁻⁶) + shift (all µs). */
export async function warpClock(
  src: string,
  dst: string,
  o: { t0: number; scale: number; driftPpm: number; shiftMicros: number },
): Promise<void> {
  let writer: PcapWriter | null = null;
  await readCapture(src, 0, (r) => {
    writer ??= new PcapWriter({ linkType: r.linkType });
    const t = Math.round(o.t0 + (r.tsMicros - o.t0) * o.scale * (1 + o.driftPpm * 1e-6) + o.shiftMicros);
    writer.writePacket(t, r.data.subarray(r.offset, r.offset + r.capturedLength), {
      originalLength: r.originalLength,
    });
  });
  writeFileSync(dst, (writer as PcapWriter | null)?.toBuffer() ?? Buffer.alloc(0));
}

/** Only the TCP packets for which `keep` says yes (ports, addresses: the view is decoded). */
export async function filterCapture(
  src: string,
  dst: string,
  keep: (view: PacketView) => boolean,
): Promise<void> {
  const view = new PacketView();
  let writer: PcapWriter | null = null;
  await readCapture(src, 0, (r) => {
    writer ??= new PcapWriter({ linkType: r.linkType });
    decodeFrame(view, r.data, r.offset, r.capturedLength, r.linkType, r.originalLength);
    if (view.status !== 'tcp' || !keep(view)) return;
    writer.writePacket(r.tsMicros, r.data.subarray(r.offset, r.offset + r.capturedLength), {
      originalLength: r.originalLength,
    });
  });
  writeFileSync(dst, (writer as PcapWriter | null)?.toBuffer() ?? Buffer.alloc(0));
}

/** Sets the IPv4 TTL (and IP ID) of one frame of an Ethernet capture, checksum recomputed. */
export async function patchIpv4(
  src: string,
  dst: string,
  frame: number,
  patch: { ttl?: number; ipId?: number },
): Promise<void> {
  let writer: PcapWriter | null = null;
  await readCapture(src, 0, (r) => {
    writer ??= new PcapWriter({ linkType: r.linkType });
    const bytes = Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength));
    if (r.frame === frame) {
      const ip = 14;
      if (patch.ttl !== undefined) bytes[ip + 8] = patch.ttl;
      if (patch.ipId !== undefined) bytes.writeUInt16BE(patch.ipId, ip + 4);
      bytes.writeUInt16BE(0, ip + 10);
      const ihl = (bytes[ip] & 0x0f) * 4;
      let sum = 0;
      for (let k = 0; k < ihl; k += 2) sum += bytes.readUInt16BE(ip + k);
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      bytes.writeUInt16BE(~sum & 0xffff, ip + 10);
    }
    writer.writePacket(r.tsMicros, bytes, { originalLength: r.originalLength });
  });
  writeFileSync(dst, (writer as PcapWriter | null)?.toBuffer() ?? Buffer.alloc(0));
}

/** The IPv4 ID of one frame (Ethernet). */
export async function ipIdOf(src: string, frame: number): Promise<number> {
  let id = -1;
  await readCapture(src, 0, (r) => {
    if (r.frame === frame) id = r.data.readUInt16BE(r.offset + 14 + 4);
  });
  return id;
}

/**
 * One pcapng file with one unmarked interface per input, packets interleaved in time order: what
 * `dumpcap -i a -i b` on a router writes.
 */
export async function interleaveAsInterfaces(srcs: string[], dst: string, names: string[]): Promise<void> {
  const packets: { ts: number; iface: number; data: Buffer; original: number; linkType: number }[] = [];
  for (const [i, src] of srcs.entries()) {
    await readCapture(src, 0, (r) => {
      packets.push({
        ts: r.tsMicros,
        iface: i,
        data: Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength)),
        original: r.originalLength,
        linkType: r.linkType,
      });
    });
  }
  packets.sort((a, b) => a.ts - b.ts || a.iface - b.iface);
  const writer = new PcapngWriter();
  writer.startSection({ userApplication: 'test' });
  for (const [i, name] of names.entries())
    writer.addInterface({ linkType: packets.find((p) => p.iface === i)?.linkType ?? 1, name });
  for (const p of packets) writer.writePacket(p.iface, p.ts, p.data, { originalLength: p.original });
  writeFileSync(dst, writer.toBuffer());
}
