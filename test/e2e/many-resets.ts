/**
 * A synthetic capture with many resets, for the HTML report's scale measurement
 * (html-scale.bench.ts). Not committed as a file: it is generated into a temporary directory.
 *
 * Four kinds of connection, spread over ten minutes, many clients and a few servers, so that the
 * report's overview (top hosts, ports, causes, the timeline) has something to rank:
 *   - refused: SYN answered by RST/ACK (ack = ISN + 1), as a stack with no listener does;
 *   - app-abort: handshake, an HTTP request, the answer, then RST/ACK from the server at its next
 *     sequence number (linger-0 close);
 *   - handshake-abort: SYN, SYN-ACK, RST from the client;
 *   - graceful: handshake, data, FIN exchange (no finding; background traffic).
 */
import fs from 'node:fs';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { tcpFrame } from '../helpers/frames.ts';

export interface ManyResetsSpec {
  /** Number of connections that end in a reset (default 50,000). */
  resets?: number;
  /** Seconds the capture spans (default 600). */
  span?: number;
}

export function writeManyResets(
  path: string,
  spec: ManyResetsSpec = {},
): { resets: number; packets: number } {
  const resets = spec.resets ?? 50_000;
  const spanMicros = (spec.span ?? 600) * 1_000_000;
  const fd = fs.openSync(path, 'w');
  const writer = new PcapWriter({ linkType: 1, fd });
  let packets = 0;
  const start = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z in µs
  const servers = ['10.9.0.10', '10.9.0.11', '10.9.0.12', '10.9.0.20'];
  const ports = [80, 443, 8080, 9000, 5432, 25];
  const put = (ts: number, f: Parameters<typeof tcpFrame>[0]) => {
    writer.writePacket(ts, tcpFrame({ ...f, ttl: f.ttl ?? 64 }).bytes);
    packets++;
  };
  // One graceful connection for every four resets, interleaved.
  const total = resets + Math.floor(resets / 4);
  let made = 0;
  for (let i = 0; i < total; i++) {
    const ts = start + Math.floor((i / total) * spanMicros);
    const client = `10.1.${(i >> 8) & 0x3f}.${(i & 0xff) | 1}`;
    const server = servers[i % servers.length];
    const sport = 20000 + (i % 40000);
    const dport = ports[(i >> 2) % ports.length];
    const isn = (i * 2654435761) >>> 0;
    const sisn = (i * 40503 + 12345) >>> 0;
    const c = { src: client, dst: server, sport, dport };
    const s = { src: server, dst: client, sport: dport, dport: sport };
    const kind =
      i % 5 === 4 ? 'graceful' : made % 8 === 0 ? 'app-abort' : made % 8 === 1 ? 'handshake' : 'refused';
    if (kind !== 'graceful') made++;
    if (kind === 'graceful' || made > resets) {
      put(ts, { ...c, seq: isn, flags: 'S', options: { mss: 1460 } });
      put(ts + 200, { ...s, seq: sisn, ack: isn + 1, flags: 'SA', options: { mss: 1460 } });
      put(ts + 300, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'A' });
      put(ts + 400, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'FA' });
      put(ts + 600, { ...s, seq: sisn + 1, ack: isn + 2, flags: 'FA' });
      put(ts + 700, { ...c, seq: isn + 2, ack: sisn + 2, flags: 'A' });
      continue;
    }
    put(ts, { ...c, seq: isn, flags: 'S', options: { mss: 1460 } });
    if (kind === 'refused') {
      put(ts + 180, { ...s, seq: 0, ack: isn + 1, flags: 'RA', window: 0 });
      continue;
    }
    put(ts + 200, { ...s, seq: sisn, ack: isn + 1, flags: 'SA', options: { mss: 1460 } });
    if (kind === 'handshake') {
      put(ts + 300, { ...c, seq: isn + 1, flags: 'R', window: 0 });
      continue;
    }
    const req = `GET /item/${i} HTTP/1.1\r\nHost: svc\r\n\r\n`;
    const res = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    put(ts + 300, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'A' });
    put(ts + 400, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'PA', payload: req });
    put(ts + 600, { ...s, seq: sisn + 1, ack: isn + 1 + req.length, flags: 'PA', payload: res });
    put(ts + 700, { ...c, seq: isn + 1 + req.length, ack: sisn + 1 + res.length, flags: 'A' });
    put(ts + 50_700, { ...s, seq: sisn + 1 + res.length, ack: isn + 1 + req.length, flags: 'RA' });
  }
  writer.close();
  fs.closeSync(fd);
  return { resets: Math.min(made, resets), packets };
}

if (import.meta.filename === process.argv[1]) {
  const out = process.argv[2] ?? '/tmp/rstscope-50k.pcap';
  const n = Number(process.argv[3] ?? 50_000);
  const t0 = performance.now();
  const r = writeManyResets(out, { resets: n });
  console.log(
    `${out}: ${r.resets} resets, ${r.packets} packets in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
