/**
 * Cross-check against tshark 4.0.17 on the public corpus: for every RST frame listed in
 * /work/shared/corpus/**\/*.tshark-rst.tsv, decodeFrame must find the same addresses, ports,
 * sequence/ack numbers, flags, TTL / hop limit, IP ID and tcp.len.
 *
 * Deliberate difference: in tunnelled frames tshark lists every layer's value separated by commas
 * (outer IP first); the view holds the innermost IP header only, so it is compared with the LAST
 * value of each list.
 *
 * Encapsulations the 2350 RSTs need (tshark frame.protocols): Ethernet (908 IPv4, 28 IPv6),
 * FDDI + LLC/SNAP (1333, zeek/llc.pcap, LINKTYPE 10 read by Wireshark as "bit-swapped FDDI"),
 * Linux SLL v1 (32), BSD NULL (11 IPv4, 8 IPv6), raw IP 101 (6) and LINKTYPE_IPV4 228 (1),
 * 802.1Q (8 + 3 IPv6) and QinQ (1), GRE/ERSPAN II (4, suricata bug-5437-02), VLAN + VXLAN (3,
 * ndpi vxlan.pcap), GTP-U (2, ndpi ja3_lots_of_cipher_suites_2_anon.pcap) and Aruba 802.11 in GRE
 * (2, zeek/tunnels/gre-aruba.pcap).
 *
 * The record's original length is passed, as the pipeline should: with it a corrupt IPv4 total
 * length is capped the way tshark caps it ("exceeds packet length").
 *
 * And the reverse: every frame we decode as a TCP segment with RST set is one tshark lists, so
 * rstscope finds no reset tshark does not see.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readCapture } from '../../src/capture/read-capture.ts';
import { formatAddress } from '../../src/decode/address.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView, TcpFlag } from '../../src/decode/packet-view.ts';
import { CORPUS_DIR } from '../helpers/corpus.ts';

const CORPUS = process.env.RSTSCOPE_CORPUS ?? CORPUS_DIR;

interface TsharkRow {
  frame: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags: number;
  seq: number;
  ack: number;
  ttl: number;
  ipId: number;
  len: number;
  protocols: string;
}

function last(list: string): string {
  const parts = list.split(',');
  return parts[parts.length - 1];
}

function findTsvFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) findTsvFiles(full, out);
    else if (name.endsWith('.tshark-rst.tsv')) out.push(full);
  }
  return out;
}

function parseTsv(file: string): TsharkRow[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  const rows: TsharkRow[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    const protocols = f[col('frame.protocols')];
    // The innermost IP decides: the last "ip"/"ipv6" before "tcp" in frame.protocols.
    const layers = protocols.split(':');
    const tcpAt = layers.indexOf('tcp');
    const innerIp = layers
      .slice(0, tcpAt)
      .reverse()
      .find((p) => p === 'ip' || p === 'ipv6');
    const v6 = innerIp === 'ipv6';
    rows.push({
      frame: Number(f[col('frame.number')]),
      src: last(v6 ? f[col('ipv6.src')] : f[col('ip.src')]),
      dst: last(v6 ? f[col('ipv6.dst')] : f[col('ip.dst')]),
      sport: Number(last(f[col('tcp.srcport')])),
      dport: Number(last(f[col('tcp.dstport')])),
      flags: Number(last(f[col('tcp.flags')])),
      seq: Number(last(f[col('tcp.seq_raw')])),
      ack: Number(last(f[col('tcp.ack_raw')])),
      ttl: Number(last(v6 ? f[col('ipv6.hlim')] : f[col('ip.ttl')])),
      ipId: v6 ? -1 : Number(last(f[col('ip.id')])),
      len: Number(last(f[col('tcp.len')])),
      protocols,
    });
  }
  return rows;
}

const tsvFiles = existsSync(CORPUS) ? findTsvFiles(CORPUS).sort() : [];

test('corpus is present (set RSTSCOPE_CORPUS to run the tshark cross-check elsewhere)', {
  skip: tsvFiles.length === 0,
}, () => {
  assert.ok(tsvFiles.length > 200);
});

for (const tsv of tsvFiles) {
  const capturePath = tsv.slice(0, -'.tshark-rst.tsv'.length);
  const name = path.relative(CORPUS, capturePath);
  test(`tshark agrees on RSTs of ${name}`, async () => {
    const rows = parseTsv(tsv);
    const wanted = new Map(rows.map((r) => [r.frame, r]));
    const view = new PacketView();
    const mismatches: string[] = [];
    const extra: number[] = [];
    let seen = 0;
    await readCapture(capturePath, 0, (record) => {
      decodeFrame(
        view,
        record.data,
        record.offset,
        record.capturedLength,
        record.linkType,
        record.originalLength,
      );
      const row = wanted.get(record.frame);
      if (row === undefined) {
        if (view.status === 'tcp' && (view.flags & TcpFlag.RST) !== 0) extra.push(record.frame);
        return;
      }
      seen++;
      const version = view.ipVersion === 6 ? 6 : 4;
      const got = {
        status: view.status,
        src: formatAddress(version, view.src),
        dst: formatAddress(version, view.dst),
        sport: view.sport,
        dport: view.dport,
        // tshark's tcp.flags includes the 3 reserved bits above AE.
        flags: (view.reservedBits << 9) | view.flags,
        seq: view.seq,
        ack: view.ack,
        ttl: view.ttl,
        ipId: view.ipId,
        len: view.payloadLength,
      };
      const want = { status: 'tcp', ...row };
      for (const key of Object.keys(got) as (keyof typeof got)[]) {
        if (got[key] !== want[key]) {
          mismatches.push(`frame ${row.frame} (${row.protocols}) ${key}: got ${got[key]} want ${want[key]}`);
        }
      }
    });
    assert.equal(seen, rows.length, 'every listed RST frame was read');
    assert.deepEqual(mismatches, []);
    assert.deepEqual(extra, [], 'frames we read as RSTs that tshark does not list');
  });
}
