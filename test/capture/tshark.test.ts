/**
 * Frame numbers, timestamps and lengths compared with tshark (Wireshark 4.0 here), the tool
 * engineers will hold rstscope's output against. Skipped when tshark is not installed.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  type CollectedRecord,
  collect,
  corpusFile,
  ethernetFrame,
  LinkType,
  makeTempDir,
  PcapngWriter,
  PcapWriter,
  removeTempDir,
  writeTemp,
} from '../helpers/capture-writer.ts';

const run = promisify(execFile);

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = hasTshark() ? false : 'tshark is not installed';

const dir = makeTempDir();
after(() => removeTempDir(dir));

interface TsharkFrame {
  frame: number;
  /** null for frames without a timestamp (SPB). */
  micros: number | null;
  nanos: number | null;
  len: number;
  capLen: number;
}

async function tsharkFrames(file: string): Promise<TsharkFrame[]> {
  // On a damaged file tshark prints the frames before the damage and exits with an error.
  const { stdout } = await run(
    'tshark',
    [
      '-n',
      '-r',
      file,
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'frame.time_epoch',
      '-e',
      'frame.len',
      '-e',
      'frame.cap_len',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [frame, epoch, len, capLen] = line.split('\t');
      let micros: number | null = null;
      let nanos: number | null = null;
      if (epoch !== '') {
        // Parse the decimal string exactly: a float64 of "1700000000.123456789" is not exact.
        const [seconds, fraction = ''] = epoch.split('.');
        const digits = fraction.padEnd(9, '0');
        micros = Number(seconds) * 1_000_000 + Number(digits.slice(0, 6));
        nanos = Number(digits.slice(6, 9));
      }
      return { frame: Number(frame), micros, nanos, len: Number(len), capLen: Number(capLen) };
    });
}

function compare(records: CollectedRecord[], frames: TsharkFrame[], nanosecondFile: boolean): void {
  const byNumber = new Map(frames.map((f) => [f.frame, f]));
  for (const r of records) {
    const t = byNumber.get(r.frame);
    assert.ok(t, `frame ${r.frame} is not in tshark's output`);
    assert.equal(r.originalLength, t.len, `frame ${r.frame} length`);
    assert.equal(r.capturedLength, t.capLen, `frame ${r.frame} captured length`);
    if (t.micros === null) {
      assert.equal(r.tsMicros, 0, `frame ${r.frame} has no timestamp`);
    } else {
      assert.equal(r.tsMicros, t.micros, `frame ${r.frame} time`);
      if (nanosecondFile) assert.equal(r.tsNanos, t.nanos, `frame ${r.frame} nanoseconds`);
    }
  }
}

const corpus = [
  { file: 'zeek/http/get-to-ssh-server.pcap', nanos: true },
  { file: 'ndpi/tests/cfgs/default/pcap/fuzz-2006-09-29-28586.pcap', nanos: false },
  { file: 'ndpi/tests/cfgs/default/pcap/1kxun.pcap', nanos: false },
  { file: 'zeek/ldap/gap-data-missing.pcapng', nanos: true },
  { file: 'zeek/krb/kerberos_tso.pcapng', nanos: true },
  { file: 'ndpi/tests/cfgs/default/pcap/rtsp.pcap', nanos: false },
  { file: 'zeek/llc.pcap', nanos: false },
  { file: 'arkime/tests/pcap/adb.pcap', nanos: false },
  { file: 'zeek/smb/smb_many_open_files_500.pcap.gz', nanos: false },
];

describe('same frames as tshark', { skip, concurrency: 4 }, () => {
  for (const { file, nanos } of corpus) {
    test(file, async () => {
      const path = corpusFile(file);
      const [ours, theirs] = await Promise.all([collect(path), tsharkFrames(path)]);
      assert.deepEqual(ours.summary.problems, []);
      assert.equal(ours.records.length, theirs.length);
      assert.deepEqual(
        ours.records.map((r) => r.frame),
        theirs.map((f) => f.frame),
      );
      compare(ours.records, theirs, nanos);
    });
  }

  test('a corrupt length mid-file: frames before it as tshark numbers them; we read on after it', async () => {
    const ng = new PcapngWriter();
    ng.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    const pcap = new PcapWriter({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 30; i++) {
      ng.writePacket(0, 1_700_000_000_000_000 + i * 1000, ethernetFrame(60 + i, i), { tsNanos: i });
      pcap.writePacket(1_700_000_000_000_000 + i * 1000, ethernetFrame(60 + i, i));
    }
    const ngBytes = ng.toBuffer();
    let at = ngBytes.readUInt32LE(4); // after the SHB
    at += ngBytes.readUInt32LE(at + 4); // after the IDB
    for (let i = 0; i < 11; i++) at += ngBytes.readUInt32LE(at + 4);
    ngBytes.writeUInt32LE(16 * 1024 * 1024, at + 4); // the 12th EPB claims 16 MiB
    const pcapBytes = pcap.toBuffer();
    let rec = 24;
    for (let i = 0; i < 11; i++) rec += 16 + 60 + i;
    pcapBytes.writeUInt32LE(0x7fffffff, rec + 8); // the 12th record claims 2 GiB
    for (const [name, bytes] of [
      ['damaged.pcapng', ngBytes],
      ['damaged.pcap', pcapBytes],
    ] as const) {
      const file = writeTemp(dir, name, bytes);
      const [ours, theirs] = await Promise.all([collect(file), tsharkFrames(file)]);
      assert.deepEqual(
        theirs.map((f) => f.frame),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        `${name}: tshark stops at the damage`,
      );
      compare(ours.records.slice(0, 11), theirs, name.endsWith('pcapng'));
      assert.equal(ours.records.length, 29, `${name}: everything but the damaged packet`);
      assert.equal(ours.records[11].originalLength, 60 + 12, `${name}: read on at the 13th packet`);
      assert.equal(ours.summary.problems.length, 1);
      assert.match(ours.summary.problems[0].message, /skipped \d+ bytes to the next/);
    }
  });

  test('written by our writers: both byte orders, several sections and resolutions, odd blocks', async () => {
    const ng = new PcapngWriter();
    ng.startSection({ bigEndian: true });
    ng.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    ng.addInterface({ linkType: LinkType.ETHERNET, tsresol: 0x80 | 20, tsoffset: 1_600_000_000 });
    ng.writePacket(0, 1_700_000_000_123_456, ethernetFrame(60, 1), { tsNanos: 789 });
    ng.writePacket(1, 1_700_000_000_223_456, ethernetFrame(1514, 2), { originalLength: 9000 });
    ng.writeBlock(0xbad, Buffer.from([0, 0, 0x7e, 0xd9, 1, 2]));
    ng.writeObsoletePacket(1, 12_345_678_901n, ethernetFrame(70, 3));
    ng.startSection({ bigEndian: false });
    ng.addInterface({ linkType: LinkType.ETHERNET, snaplen: 64 });
    ng.writeSimplePacket(ethernetFrame(100, 4));
    ng.writeBlock(9, Buffer.from('__REALTIME_TIMESTAMP=1700000000000000\nMESSAGE=journal\n'));
    ng.writeBlock(5, Buffer.alloc(12));
    ng.writePacket(0, 1_700_000_001_000_001, ethernetFrame(66, 5));
    const ngFile = writeTemp(dir, 'ours.pcapng', ng.toBuffer());

    const pcap = new PcapWriter({
      linkType: LinkType.ETHERNET,
      nanoseconds: true,
      bigEndian: true,
      snaplen: 100,
    });
    pcap.writePacket(1_700_000_000_000_000, ethernetFrame(60, 1), { tsNanos: 1 });
    pcap.writePacket(1_700_000_000_999_999, ethernetFrame(300, 2), { tsNanos: 999 });
    const pcapFile = writeTemp(dir, 'ours.pcap', pcap.toBuffer());

    for (const file of [ngFile, pcapFile]) {
      const [ours, theirs] = await Promise.all([collect(file), tsharkFrames(file)]);
      assert.deepEqual(ours.summary.problems, []);
      compare(ours.records, theirs, true);
      // Custom and journal blocks are frames for tshark, but carry no packet for us.
      const delivered = new Set(ours.records.map((r) => r.frame));
      const extra = theirs.filter((f) => !delivered.has(f.frame)).map((f) => f.frame);
      assert.deepEqual(extra, file === ngFile ? [3, 6] : []);
    }
  });
});
