import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  collect,
  ethernetFrame,
  LinkType,
  makeTempDir,
  PcapWriter,
  removeTempDir,
  writeTemp,
} from '../helpers/capture-writer.ts';

const dir = makeTempDir();
after(() => removeTempDir(dir));

// Timestamps chosen to exercise carries: a value just below a second boundary, a sub-µs part.
const packets = [
  { tsMicros: 1_700_000_000_999_999, tsNanos: 999, frame: ethernetFrame(60, 1) },
  { tsMicros: 1_700_000_001_000_000, tsNanos: 1, frame: ethernetFrame(1514, 2) },
  { tsMicros: 4_294_967_295_000_001, tsNanos: 500, frame: ethernetFrame(54, 3) }, // ts_sec = 2^32-1
];

describe('pcap variants', () => {
  for (const nanoseconds of [false, true]) {
    for (const bigEndian of [false, true]) {
      const name = `${nanoseconds ? 'ns' : 'µs'} ${bigEndian ? 'big' : 'little'}-endian`;
      test(name, async () => {
        const writer = new PcapWriter({ linkType: LinkType.ETHERNET, nanoseconds, bigEndian });
        for (const p of packets) writer.writePacket(p.tsMicros, p.frame, { tsNanos: p.tsNanos });
        const bytes = writer.toBuffer();
        // The magic is written in the writer's byte order.
        assert.equal(
          bytes.subarray(0, 4).toString('hex'),
          {
            'false,false': 'd4c3b2a1',
            'false,true': 'a1b2c3d4',
            'true,false': '4d3cb2a1',
            'true,true': 'a1b23c4d',
          }[`${nanoseconds},${bigEndian}`],
        );
        const file = writeTemp(dir, `v-${nanoseconds}-${bigEndian}.pcap`, bytes);
        const { records, summary } = await collect(file);
        assert.deepEqual(summary.problems, []);
        assert.equal(summary.format, 'pcap');
        assert.equal(summary.compression, 'none');
        assert.equal(summary.tsPrecision, nanoseconds ? 9 : 6);
        assert.equal(summary.records, 3);
        assert.equal(summary.bytes, bytes.length);
        assert.deepEqual(summary.linkTypes, [LinkType.ETHERNET]);
        let offset = 24;
        records.forEach((r, i) => {
          const p = packets[i];
          assert.equal(r.frame, i + 1);
          assert.equal(r.tsMicros, p.tsMicros);
          assert.equal(r.tsNanos, nanoseconds ? p.tsNanos : 0);
          assert.equal(r.linkType, LinkType.ETHERNET);
          assert.equal(r.interfaceId, 0);
          assert.equal(r.capturedLength, p.frame.length);
          assert.equal(r.originalLength, p.frame.length);
          assert.equal(r.fileOffset, offset);
          assert.ok(r.bytes.equals(p.frame));
          offset += 16 + p.frame.length;
        });
      });
    }
  }
});

describe('pcap header fields', () => {
  test('a snaplen cut keeps the original length', async () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET, snaplen: 68 });
    const frame = ethernetFrame(1000, 9);
    writer.writePacket(1_000_000, frame);
    const { records, summary } = await collect(writeTemp(dir, 'snap.pcap', writer.toBuffer()));
    assert.deepEqual(summary.problems, []);
    assert.equal(records[0].capturedLength, 68);
    assert.equal(records[0].originalLength, 1000);
    assert.ok(records[0].bytes.equals(frame.subarray(0, 68)));
  });

  test('FCS bits in the link-type word are masked off', async () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET, fcsLength: 4, bigEndian: true });
    writer.writePacket(1_000_000, ethernetFrame(64));
    const bytes = writer.toBuffer();
    assert.equal(bytes.readUInt32BE(20), 0x24000001); // FCS len 2 words, P bit, Ethernet
    const { records, summary } = await collect(writeTemp(dir, 'fcs.pcap', bytes));
    assert.deepEqual(summary.linkTypes, [LinkType.ETHERNET]);
    assert.equal(records[0].linkType, LinkType.ETHERNET);
  });

  test('an unknown link type is delivered, not reported', async () => {
    const writer = new PcapWriter({ linkType: 147 });
    writer.writePacket(1_000_000, Buffer.from('hello'));
    const { records, summary } = await collect(writeTemp(dir, 'user0.pcap', writer.toBuffer()));
    assert.deepEqual(summary.problems, []);
    assert.equal(records[0].linkType, 147);
    assert.equal(records[0].bytes.toString(), 'hello');
  });

  test('a record longer than the snaplen is read, with one non-fatal problem', async () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET, snaplen: 2000 });
    writer.writePacket(1_000_000, ethernetFrame(1500, 1));
    writer.writePacket(2_000_000, ethernetFrame(1500, 2));
    const bytes = writer.toBuffer();
    bytes.writeUInt32LE(100, 16); // pretend the snaplen was 100
    const { records, summary } = await collect(writeTemp(dir, 'oversnap.pcap', bytes));
    assert.equal(records.length, 2);
    assert.equal(records[1].capturedLength, 1500);
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].fatal, false);
    assert.match(summary.problems[0].message, /more than the file's snaplen of 100/);
  });

  test("Kuznetzov's modified pcap (magic a1b2cd34, 24-byte record headers)", async () => {
    const frame = ethernetFrame(70, 5);
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2cd34, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(1, 20);
    const record = Buffer.alloc(24);
    record.writeUInt32LE(1234, 0);
    record.writeUInt32LE(567, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    record.writeUInt32LE(2, 16); // ifindex, protocol, packet type: ignored
    const file = writeTemp(dir, 'modified.pcap', Buffer.concat([header, record, frame, record, frame]));
    const { records, summary } = await collect(file);
    assert.deepEqual(summary.problems, []);
    assert.equal(records.length, 2);
    assert.equal(records[1].tsMicros, 1_234_000_567);
    assert.ok(records[1].bytes.equals(frame));
    assert.equal(records[1].fileOffset, 24 + 24 + 70);
  });

  test('an unusual version is read with a non-fatal note', async () => {
    const writer = new PcapWriter({ linkType: LinkType.RAW });
    writer.writePacket(5, Buffer.from('4500', 'hex'));
    const bytes = writer.toBuffer();
    bytes.writeUInt16LE(3, 4);
    const { records, summary } = await collect(writeTemp(dir, 'v3.pcap', bytes));
    assert.equal(records.length, 1);
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].fatal, false);
    assert.match(summary.problems[0].message, /unusual pcap version 3\.4/);
  });
});
