import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import {
  collect,
  ethernetFrame,
  LinkType,
  makeTempDir,
  PcapngWriter,
  removeTempDir,
  writeTemp,
} from '../helpers/capture-writer.ts';

const dir = makeTempDir();
after(() => removeTempDir(dir));

/** Independent reference for a pcapng timestamp: BigInt arithmetic, straight from the spec. */
function reference(units: bigint, tsresol: number, tsoffset = 0): { micros: number; nanos: number } {
  const exponent = BigInt(tsresol & 0x7f);
  let nanos: bigint;
  if (tsresol & 0x80) nanos = (units * 1_000_000_000n) >> exponent;
  else if (exponent >= 9n) nanos = units / 10n ** (exponent - 9n);
  else nanos = units * 10n ** (9n - exponent);
  return { micros: Number(nanos / 1000n) + tsoffset * 1_000_000, nanos: Number(nanos % 1000n) };
}

describe('pcapng byte orders', () => {
  for (const bigEndian of [false, true]) {
    test(bigEndian ? 'big-endian section' : 'little-endian section', async () => {
      const writer = new PcapngWriter({ bigEndian });
      const eth = writer.addInterface({ linkType: LinkType.ETHERNET, name: 'eth0' });
      const frames = [ethernetFrame(61, 1), ethernetFrame(1514, 2), ethernetFrame(54, 3)];
      frames.forEach((f, i) => {
        writer.writePacket(eth, 1_700_000_000_000_000 + i * 1_000_001, f);
      });
      const bytes = writer.toBuffer();
      assert.equal(bytes.subarray(8, 12).toString('hex'), bigEndian ? '1a2b3c4d' : '4d3c2b1a');
      const { records, summary } = await collect(writeTemp(dir, `order-${bigEndian}.pcapng`, bytes));
      assert.deepEqual(summary.problems, []);
      assert.equal(summary.format, 'pcapng');
      assert.equal(summary.bytes, bytes.length);
      assert.deepEqual(
        records.map((r) => [r.frame, r.tsMicros, r.capturedLength, r.originalLength]),
        frames.map((f, i) => [i + 1, 1_700_000_000_000_000 + i * 1_000_001, f.length, f.length]),
      );
      records.forEach((r, i) => {
        assert.ok(r.bytes.equals(frames[i]));
      });
    });
  }
});

describe('pcapng interfaces and timestamps', () => {
  // Every interface gets the same instants; what differs is the unit they are stored in.
  const interfaces = [
    { linkType: LinkType.ETHERNET, tsresol: 6, tsoffset: 0 },
    { linkType: LinkType.RAW, tsresol: 9, tsoffset: 0 },
    { linkType: LinkType.LINUX_SLL, tsresol: 3, tsoffset: 1_600_000_000 },
    { linkType: LinkType.ETHERNET, tsresol: 0x80 | 20, tsoffset: 0 },
    { linkType: LinkType.ETHERNET, tsresol: 0x80 | 32, tsoffset: 0 },
    { linkType: LinkType.LINUX_SLL2, tsresol: 12, tsoffset: 1_700_000_000 },
    { linkType: LinkType.IPV4, tsresol: 15, tsoffset: 1_700_000_000 },
    { linkType: LinkType.IPV6, tsresol: 0, tsoffset: 0 },
  ];
  const instants = [
    { micros: 1_700_000_000_123_456, nanos: 789 },
    { micros: 1_700_000_001_999_999, nanos: 999 },
    { micros: 1_700_009_999_000_000, nanos: 1 },
  ];

  test('if_tsresol (powers of 10 and of 2) and if_tsoffset', async () => {
    const writer = new PcapngWriter();
    for (const i of interfaces) writer.addInterface(i);
    const expected: { id: number; linkType: number; micros: number; nanos: number }[] = [];
    for (const instant of instants) {
      interfaces.forEach((iface, id) => {
        writer.writePacket(id, instant.micros, ethernetFrame(60, id), { tsNanos: instant.nanos });
        // What the writer stored, in the interface's unit, then what a reader must make of it.
        const nanosSinceOffset =
          (BigInt(instant.micros) - BigInt(iface.tsoffset) * 1_000_000n) * 1000n + BigInt(instant.nanos);
        const exponent = BigInt(iface.tsresol & 0x7f);
        const units =
          iface.tsresol & 0x80
            ? (nanosSinceOffset << exponent) / 1_000_000_000n
            : exponent >= 9n
              ? nanosSinceOffset * 10n ** (exponent - 9n)
              : nanosSinceOffset / 10n ** (9n - exponent);
        expected.push({ id, linkType: iface.linkType, ...reference(units, iface.tsresol, iface.tsoffset) });
      });
    }
    const { records, summary } = await collect(writeTemp(dir, 'resol.pcapng', writer.toBuffer()));
    assert.deepEqual(summary.problems, []);
    assert.equal(summary.tsPrecision, 15);
    assert.deepEqual(summary.linkTypes, [
      LinkType.ETHERNET,
      LinkType.RAW,
      LinkType.LINUX_SLL,
      LinkType.LINUX_SLL2,
      LinkType.IPV4,
      LinkType.IPV6,
    ]);
    assert.deepEqual(
      records.map((r) => ({ id: r.interfaceId, linkType: r.linkType, micros: r.tsMicros, nanos: r.tsNanos })),
      expected,
    );
    // Spot checks that do not depend on the reference function.
    const byId = (id: number) => records.filter((r) => r.interfaceId === id);
    assert.deepEqual(
      byId(1).map((r) => [r.tsMicros, r.tsNanos]),
      instants.map((i) => [i.micros, i.nanos]),
    );
    assert.deepEqual(
      byId(2).map((r) => r.tsMicros),
      [1_700_000_000_123_000, 1_700_000_001_999_000, 1_700_009_999_000_000],
    );
    assert.deepEqual(
      byId(7).map((r) => r.tsMicros),
      [1_700_000_000_000_000, 1_700_000_001_000_000, 1_700_009_999_000_000],
    );
    assert.deepEqual(
      byId(5).map((r) => [r.tsMicros, r.tsNanos]),
      instants.map((i) => [i.micros, i.nanos]),
    );
  });

  test('several sections: interfaces restart at 0, byte order may change, frames continue', async () => {
    const writer = new PcapngWriter();
    writer.startSection({ bigEndian: false });
    const a0 = writer.addInterface({ linkType: LinkType.ETHERNET });
    const a1 = writer.addInterface({ linkType: LinkType.RAW, tsresol: 9 });
    writer.writePacket(a0, 1_000_000, ethernetFrame(60, 1));
    writer.writePacket(a1, 2_000_000, Buffer.from('45000014', 'hex'), { tsNanos: 7 });
    writer.startSection({ bigEndian: true });
    const b0 = writer.addInterface({ linkType: LinkType.LINUX_SLL2 });
    writer.writePacket(b0, 3_000_000, Buffer.alloc(40, 1));
    const bytes = writer.toBuffer();
    // A packet of the second section that names interface 1, which only the first section had.
    const sectionTwo = new PcapngWriter({ bigEndian: true });
    sectionTwo.startSection({ bigEndian: true });
    sectionTwo.addInterface({ linkType: LinkType.LINUX_SLL2 });
    sectionTwo.addInterface({ linkType: LinkType.IPV4 });
    sectionTwo.writePacket(1, 4_000_000, Buffer.alloc(20, 2));
    const stray = sectionTwo.toBuffer();
    // Keep only its EPB (the last block) and append it to the first file: it now refers to an
    // interface that the second section of `bytes` does not declare.
    const epbLength = stray.readUInt32BE(stray.length - 4);
    const file = Buffer.concat([bytes, stray.subarray(stray.length - epbLength)]);
    const after = new PcapngWriter({ bigEndian: true });
    after.startSection({ bigEndian: true });
    after.addInterface({ linkType: LinkType.NULL });
    after.writePacket(0, 5_000_000, Buffer.from('02000000', 'hex'));
    const { records, summary } = await collect(
      writeTemp(dir, 'sections.pcapng', Buffer.concat([file, after.toBuffer()])),
    );
    assert.deepEqual(
      records.map((r) => [r.frame, r.interfaceId, r.linkType, r.tsMicros, r.tsNanos]),
      [
        [1, 0, LinkType.ETHERNET, 1_000_000, 0],
        [2, 1, LinkType.RAW, 2_000_000, 7],
        [3, 0, LinkType.LINUX_SLL2, 3_000_000, 0],
        // frame 4 is the stray packet: numbered, reported, not delivered
        [5, 0, LinkType.NULL, 5_000_000, 0],
      ],
    );
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].fatal, false);
    assert.match(summary.problems[0].message, /frame 4\) refers to interface 1/);
  });
});

describe('pcapng packet block kinds', () => {
  test('Simple Packet Blocks: interface 0, padding and snaplen cut off', async () => {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET, snaplen: 0 });
    const frame = ethernetFrame(61, 4);
    writer.writeSimplePacket(frame);
    const snapped = new PcapngWriter();
    snapped.addInterface({ linkType: LinkType.ETHERNET, snaplen: 40 });
    snapped.writeSimplePacket(frame);
    const whole = await collect(writeTemp(dir, 'spb.pcapng', writer.toBuffer()));
    assert.deepEqual(whole.summary.problems, []);
    assert.equal(whole.records[0].capturedLength, 61); // not the padded 64
    assert.equal(whole.records[0].originalLength, 61);
    assert.equal(whole.records[0].tsMicros, 0);
    assert.ok(whole.records[0].bytes.equals(frame));
    const cut = await collect(writeTemp(dir, 'spb-snap.pcapng', snapped.toBuffer()));
    assert.equal(cut.records[0].capturedLength, 40);
    assert.equal(cut.records[0].originalLength, 61);
    assert.ok(cut.records[0].bytes.equals(frame.subarray(0, 40)));
  });

  test('obsolete Packet Blocks (type 2)', async () => {
    const writer = new PcapngWriter({ bigEndian: true });
    writer.addInterface({ linkType: LinkType.ETHERNET });
    writer.addInterface({ linkType: LinkType.RAW, tsresol: 9 });
    writer.writeObsoletePacket(1, 1_700_000_000_123_456_789n, Buffer.from('4500001c', 'hex'), 28);
    const { records, summary } = await collect(writeTemp(dir, 'pb.pcapng', writer.toBuffer()));
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(
      records.map((r) => [
        r.frame,
        r.interfaceId,
        r.linkType,
        r.tsMicros,
        r.tsNanos,
        r.capturedLength,
        r.originalLength,
      ]),
      [[1, 1, LinkType.RAW, 1_700_000_000_123_456, 789, 4, 28]],
    );
  });

  test('other blocks are skipped; custom and journal blocks take a frame number as in tshark', async () => {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET });
    writer.writePacket(0, 1_000_000, ethernetFrame(60, 1));
    writer.writeBlock(4, Buffer.from([0, 0, 0, 0])); // Name Resolution Block
    writer.writeBlock(5, Buffer.alloc(12)); // Interface Statistics Block
    writer.writeBlock(0x0a, Buffer.alloc(8)); // Decryption Secrets Block
    writer.writeBlock(0x1234, Buffer.from('unknown block')); // unknown type
    writer.writePacket(0, 2_000_000, ethernetFrame(60, 2));
    writer.writeBlock(0xbad, Buffer.from([0, 0, 0x7e, 0xd9, 1])); // custom block
    writer.writeBlock(9, Buffer.from('MESSAGE=x\n')); // systemd journal export
    writer.writePacket(0, 3_000_000, ethernetFrame(60, 3));
    const { records, summary } = await collect(writeTemp(dir, 'blocks.pcapng', writer.toBuffer()));
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(
      records.map((r) => [r.frame, r.tsMicros]),
      [
        [1, 1_000_000],
        [2, 2_000_000],
        [5, 3_000_000],
      ],
    );
  });

  test('an IDB option running past its block is reported; the interface keeps its defaults', async () => {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    writer.writePacketUnits(0, 5_000_000_000n, ethernetFrame(60));
    const bytes = writer.toBuffer();
    const idb = bytes.readUInt32LE(4); // the SHB length = offset of the IDB
    assert.equal(bytes.readUInt16LE(idb + 16), 9); // if_tsresol option code
    bytes.writeUInt16LE(200, idb + 18); // its length now runs past the block
    const { records, summary } = await collect(writeTemp(dir, 'badopt.pcapng', bytes));
    assert.equal(records.length, 1);
    assert.equal(records[0].tsMicros, 5_000_000_000); // read as µs, the default unit
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].fatal, false);
    assert.match(summary.problems[0].message, /malformed option 9/);
  });
});

describe('corrupt pcapng', () => {
  function threePackets(): { bytes: Buffer; offsets: number[] } {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 3; i++) writer.writePacket(0, (i + 1) * 1_000_000, ethernetFrame(60, i));
    const bytes = writer.toBuffer();
    const offsets: number[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      offsets.push(pos);
      pos += bytes.readUInt32LE(pos + 4);
    }
    // SHB, IDB, EPB, EPB, EPB
    return { bytes, offsets: offsets.slice(2) };
  }

  test('a block length that is not a multiple of 4: the next valid block is found, the skip reported', async () => {
    const { bytes, offsets } = threePackets();
    bytes.writeUInt32LE(bytes.readUInt32LE(offsets[1] + 4) + 2, offsets[1] + 4);
    const { records, summary } = await collect(writeTemp(dir, 'len4.pcapng', bytes));
    // tshark numbers frame 1 and stops; the third EPB is read on as frame 2.
    assert.deepEqual(
      records.map((r) => [r.frame, r.tsMicros]),
      [
        [1, 1_000_000],
        [2, 3_000_000],
      ],
    );
    assert.equal(summary.problems.length, 1);
    const problem = summary.problems[0];
    assert.equal(problem.fatal, false);
    assert.equal(problem.offset, offsets[1]);
    assert.match(
      problem.message,
      new RegExp(
        `corrupt Enhanced Packet Block at byte ${offsets[1]}: block length 94 is not a multiple of 4 between 12 and 67108864; skipped ${offsets[2] - offsets[1]} bytes to the next valid block, at byte ${offsets[2]}, and read on \\(tshark stops at the damage; frames after it are numbered on from frame 1\\)`,
      ),
    );
    assert.equal(summary.bytes, bytes.length);
  });

  test('a block length running past the end of the file, far from it, is corrupt, not a cut', async () => {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 50; i++) writer.writePacket(0, (i + 1) * 1_000_000, ethernetFrame(60, i));
    const bytes = writer.toBuffer();
    const epb = bytes.readUInt32LE(4) + bytes.readUInt32LE(bytes.readUInt32LE(4) + 4);
    const tenth = epb + 9 * 92;
    bytes.writeUInt32LE(16 * 1024 * 1024, tenth + 4); // 16 MiB in a file of 5 KB
    const { records, summary } = await collect(writeTemp(dir, 'pastend.pcapng', bytes));
    assert.equal(records.length, 49);
    assert.deepEqual(
      records.slice(8, 11).map((r) => r.tsMicros / 1_000_000),
      [9, 11, 12],
    );
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].fatal, false);
    assert.match(
      summary.problems[0].message,
      new RegExp(
        `corrupt Enhanced Packet Block at byte ${tenth}: block length 16777216 runs past the end of the file \\(${bytes.length - tenth} bytes left\\); skipped 92 bytes`,
      ),
    );
  });

  test('a huge block length in the last block stops reading instead of allocating', async () => {
    const { bytes, offsets } = threePackets();
    bytes.writeUInt32LE(0xfffffff0, offsets[2] + 4);
    const { records, summary } = await collect(writeTemp(dir, 'huge.pcapng', bytes));
    assert.equal(records.length, 2);
    assert.equal(summary.problems[0].fatal, true);
    assert.equal(summary.problems[0].offset, offsets[2]);
    assert.match(summary.problems[0].message, /and no valid block follows; reading stopped there/);
  });

  test('a trailing length that differs from the leading one: skipped to the next block', async () => {
    const { bytes, offsets } = threePackets();
    bytes.writeUInt32LE(4, offsets[2] - 4); // trailing copy of the second EPB
    const { records, summary } = await collect(writeTemp(dir, 'trail.pcapng', bytes));
    assert.deepEqual(
      records.map((r) => r.tsMicros),
      [1_000_000, 3_000_000],
    );
    assert.match(
      summary.problems[0].message,
      /its length is \d+ at the start but 4 at the end; skipped 92 bytes/,
    );
    assert.equal(summary.problems[0].offset, offsets[1]);
  });

  test('the cut final block of a pipe (size unknown) is still a cut, not a corruption', async () => {
    const { bytes, offsets } = threePackets();
    const got = await collect('-', { stdin: Readable.from([bytes.subarray(0, offsets[2] + 50)]) });
    assert.equal(got.records.length, 2);
    assert.equal(
      got.summary.problems[0].message,
      `-: truncated Enhanced Packet Block at byte ${offsets[2]}: 50 of 92 bytes present; the capture was cut short`,
    );
  });

  test('a captured length larger than its EPB skips that packet only', async () => {
    const { bytes, offsets } = threePackets();
    bytes.writeUInt32LE(5000, offsets[1] + 20);
    const { records, summary } = await collect(writeTemp(dir, 'caplen.pcapng', bytes));
    assert.deepEqual(
      records.map((r) => r.frame),
      [1, 3],
    );
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].fatal, false);
    assert.match(
      summary.problems[0].message,
      /malformed Enhanced Packet Block .*frame 2.*5000 captured bytes/,
    );
  });

  test('a bad byte-order magic in a later section is fatal there', async () => {
    const { bytes } = threePackets();
    const second = new PcapngWriter();
    second.addInterface({ linkType: LinkType.ETHERNET });
    const more = second.toBuffer();
    more.writeUInt32LE(0x11223344, 8);
    const { records, summary } = await collect(writeTemp(dir, 'bom.pcapng', Buffer.concat([bytes, more])));
    assert.equal(records.length, 3);
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].offset, bytes.length);
    assert.match(summary.problems[0].message, /bad byte-order magic/);
  });

  test('a section of an unknown major version is fatal', async () => {
    const { bytes } = threePackets();
    bytes.writeUInt16LE(2, 12);
    const { records, summary } = await collect(writeTemp(dir, 'v2.pcapng', bytes));
    assert.equal(records.length, 0);
    assert.match(summary.problems[0].message, /unsupported pcapng version 2\.0/);
  });
});
