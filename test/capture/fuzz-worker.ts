/**
 * Worker side of fuzz.test.ts: reads thousands of damaged captures and reports each step to the
 * parent, which kills this thread if a read hangs. Not a test file itself (no .test.ts suffix).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';
import { readCapture } from '../../src/capture/index.ts';
import { corpusFile, ethernetFrame, LinkType, PcapngWriter } from '../helpers/capture-writer.ts';
import { prng } from '../helpers/prng.ts';

export interface FuzzJob {
  seed: number;
  iterations: number;
  deadlineMs: number;
  tempDir: string;
}

export type FuzzMessage =
  | { kind: 'start'; iteration: number; description: string }
  | { kind: 'slow'; iteration: number; description: string; ms: number }
  | { kind: 'done'; iterations: number; records: number; problems: number; fatal: number; heapMb: number[] };

const job = workerData as FuzzJob;
const port = parentPort;
if (port === null) throw new Error('fuzz-worker must run as a worker thread');

const random = prng(job.seed);
const int = (n: number) => Math.floor(random() * n);

/** A multi-section, multi-resolution pcapng with odd blocks: the most parser paths per byte. */
function syntheticPcapng(): Buffer {
  const w = new PcapngWriter();
  w.startSection({ bigEndian: true });
  w.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9, name: 'eth0' });
  w.addInterface({ linkType: LinkType.RAW, tsresol: 0x80 | 20, tsoffset: 100 });
  for (let i = 0; i < 20; i++)
    w.writePacket(i % 2, 1_700_000_000_000_000 + i * 1000, ethernetFrame(60 + i * 7, i));
  w.writeBlock(4, Buffer.alloc(8));
  w.writeObsoletePacket(1, 123_456_789n, ethernetFrame(80, 99));
  w.startSection({ bigEndian: false });
  w.addInterface({ linkType: LinkType.LINUX_SLL2, snaplen: 100 });
  for (let i = 0; i < 10; i++) w.writeSimplePacket(ethernetFrame(60 + i * 20, i));
  w.writeBlock(0xbad, Buffer.from([0, 0, 0x7e, 0xd9, 1]));
  for (let i = 0; i < 10; i++) w.writePacket(0, 1_700_000_001_000_000 + i, ethernetFrame(90, i));
  return w.toBuffer();
}

const seeds: { name: string; bytes: Buffer }[] = [
  'zeek/http/get-to-ssh-server.pcap',
  'ndpi/tests/cfgs/default/pcap/fuzz-2006-09-29-28586.pcap',
  'zeek/ldap/gap-data-missing.pcapng',
  'zeek/ldap/issue-32.pcapng',
  'zeek/dce-rpc/dce_rpc_ntlm.pcapng',
  'arkime/tests/pcap/adb.pcap',
  'arkime/tests/pcap/long-session.pcap',
  'ndpi/tests/cfgs/default/pcap/nats.pcap',
  'suricata-verify/tests/tcp-empty-sack/tcp-opt.pcap',
  'ndpi/tests/cfgs/default/pcap/cloudflare-warp.pcap',
].map((name) => ({ name, bytes: fs.readFileSync(corpusFile(name)) }));
const synthetic = syntheticPcapng();
seeds.push({ name: 'synthetic.pcapng', bytes: synthetic });
seeds.push({ name: 'synthetic.pcapng.gz', bytes: zlib.gzipSync(synthetic) });
seeds.push({ name: 'get-to-ssh-server.pcap.zst', bytes: zlib.zstdCompressSync(seeds[0].bytes) });

function mutate(input: Buffer): { bytes: Buffer; description: string } {
  const bytes = Buffer.from(input);
  const steps: string[] = [];
  const rounds = 1 + int(3);
  let out = bytes;
  for (let r = 0; r < rounds; r++) {
    const choice = int(5);
    if (choice === 0 && out.length > 0) {
      const keep = int(out.length);
      out = out.subarray(0, keep);
      steps.push(`cut@${keep}`);
    } else if (choice === 1 && out.length > 0) {
      const flips = 1 + int(16);
      for (let i = 0; i < flips; i++) {
        const at = int(out.length);
        out[at] ^= 1 << int(8);
      }
      steps.push(`flip${flips}`);
    } else if (choice === 2 && out.length >= 4) {
      // Length fields are 32-bit words: aim at them with values parsers must survive.
      const at = int(out.length - 3) & ~3;
      const values = [0, 1, 12, 13, 0x7fffffff, 0xffffffff, int(0x10000), int(2 ** 32)];
      const value = values[int(values.length)];
      out.writeUInt32LE(value >>> 0, at);
      steps.push(`word@${at}=${value}`);
    } else if (choice === 3) {
      const at = int(out.length + 1);
      const junk = Buffer.alloc(1 + int(64));
      for (let i = 0; i < junk.length; i++) junk[i] = int(256);
      out = Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
      steps.push(`insert${junk.length}@${at}`);
    } else if (out.length > 8) {
      const from = int(out.length);
      const to = Math.min(out.length, from + 1 + int(200));
      out = Buffer.concat([out.subarray(0, from), out.subarray(to)]);
      steps.push(`delete${to - from}@${from}`);
    }
  }
  return { bytes: out, description: steps.join(',') };
}

function pieces(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const n = 1 + int(5000);
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

const file = path.join(job.tempDir, 'fuzz.bin');
const started = Date.now();
const chunkSizes = [16, 64, 333, 4096, undefined];
let totalRecords = 0;
let totalProblems = 0;
let totalFatal = 0;
const heapMb: number[] = [];
let i = 0;
for (; i < job.iterations && Date.now() - started < job.deadlineMs; i++) {
  const seed = seeds[int(seeds.length)];
  const { bytes, description: mutation } = mutate(seed.bytes);
  const viaStdin = random() < 0.3;
  const chunkSize = chunkSizes[int(chunkSizes.length)];
  const description = `${seed.name} ${mutation} ${viaStdin ? 'stdin' : 'file'} chunk=${chunkSize ?? 'default'}`;
  port.postMessage({ kind: 'start', iteration: i, description } satisfies FuzzMessage);
  if (!viaStdin) fs.writeFileSync(file, bytes);
  const t0 = Date.now();
  let records = 0;
  let lastFrame = 0;
  const summary = await readCapture(
    viaStdin ? '-' : file,
    0,
    (r) => {
      records++;
      if (r.frame <= lastFrame) throw new Error(`frame ${r.frame} after ${lastFrame} (${description})`);
      lastFrame = r.frame;
      if (r.capturedLength < 0 || r.offset < 0 || r.offset + r.capturedLength > r.data.length) {
        throw new Error(`record ${r.frame} outside its buffer (${description})`);
      }
      if (!Number.isFinite(r.tsMicros) || r.tsNanos < 0 || r.tsNanos > 999) {
        throw new Error(`record ${r.frame} has a bad timestamp (${description})`);
      }
    },
    { chunkSize, stdin: viaStdin ? Readable.from(pieces(bytes)) : undefined },
  );
  const ms = Date.now() - t0;
  if (ms > 2000) port.postMessage({ kind: 'slow', iteration: i, description, ms } satisfies FuzzMessage);
  const fatal = summary.problems.filter((p) => p.fatal).length;
  if (summary.records !== records) throw new Error(`summary says ${summary.records} records, got ${records}`);
  if (fatal > 1) throw new Error(`${fatal} fatal problems (${description})`);
  if (summary.problems.length > 52) throw new Error(`${summary.problems.length} problems: unbounded list`);
  if (summary.bytes > bytes.length && summary.compression === 'none') {
    throw new Error(`consumed ${summary.bytes} of ${bytes.length} bytes (${description})`);
  }
  totalRecords += records;
  totalProblems += summary.problems.length;
  totalFatal += fatal;
  if (i % 250 === 0) heapMb.push(Math.round(process.memoryUsage().heapUsed / 1048576));
}
heapMb.push(Math.round(process.memoryUsage().heapUsed / 1048576));
port.postMessage({
  kind: 'done',
  iterations: i,
  records: totalRecords,
  problems: totalProblems,
  fatal: totalFatal,
  heapMb,
} satisfies FuzzMessage);
