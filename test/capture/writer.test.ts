import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { readCapture } from '../../src/capture/index.ts';
import {
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

const dir = makeTempDir();
after(() => removeTempDir(dir));

describe('writers', () => {
  test('writing to a descriptor gives the same bytes as collecting (past the 1 MiB staging buffer)', () => {
    const frames = Array.from({ length: 1500 }, (_, i) => ethernetFrame(60 + (i % 1400), i));
    const writers = {
      pcap: (fd?: number) => {
        const w = new PcapWriter({ linkType: LinkType.ETHERNET, fd });
        frames.forEach((f, i) => {
          w.writePacket(i * 1000, f);
        });
        return w;
      },
      pcapng: (fd?: number) => {
        const w = new PcapngWriter({ fd });
        w.addInterface({ linkType: LinkType.ETHERNET });
        frames.forEach((f, i) => {
          w.writePacket(0, i * 1000, f);
        });
        return w;
      },
    };
    for (const [name, build] of Object.entries(writers)) {
      const expected = build().toBuffer();
      assert.ok(expected.length > 1024 * 1024);
      const file = path.join(dir, `fd.${name}`);
      const fd = fs.openSync(file, 'w');
      build(fd).close();
      fs.closeSync(fd);
      assert.ok(fs.readFileSync(file).equals(expected), name);
    }
  });

  test('copying every record of a corpus capture round-trips through pcap (ns) and pcapng', async () => {
    const source = corpusFile('zeek/http/get-to-ssh-server.pcap');
    const original = await collect(source);
    const pcap = new PcapWriter({ linkType: LinkType.ETHERNET, nanoseconds: true, bigEndian: true });
    const ng = new PcapngWriter();
    ng.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    await readCapture(source, 0, (record) => {
      pcap.writeRecord(record);
      ng.writeRecord(0, record);
    });
    for (const [name, bytes] of [
      ['copy.pcap', pcap.toBuffer()],
      ['copy.pcapng', ng.toBuffer()],
    ] as const) {
      const copy = await collect(writeTemp(dir, name, bytes));
      assert.deepEqual(copy.summary.problems, []);
      const strip = (rs: typeof copy.records) => rs.map(({ fileOffset: _, ...rest }) => rest);
      assert.deepEqual(strip(copy.records), strip(original.records), name);
    }
  });

  test('programming errors throw', () => {
    const pcap = new PcapWriter({ linkType: LinkType.ETHERNET });
    assert.throws(() => pcap.writePacket(-1, Buffer.alloc(1)), RangeError);
    assert.throws(() => pcap.writePacket(1.5, Buffer.alloc(1)), RangeError);
    const ng = new PcapngWriter();
    ng.addInterface({ linkType: LinkType.ETHERNET });
    assert.throws(() => ng.writePacket(1, 0, Buffer.alloc(1)), /no interface 1/);
    assert.throws(() => ng.writePacketUnits(0, 1n << 64n, Buffer.alloc(1)), RangeError);
    const fdWriter = new PcapWriter({ linkType: LinkType.ETHERNET, fd: 1 });
    assert.throws(() => fdWriter.toBuffer(), /file descriptor/);
  });

  test('pcapng blocks are 32-bit aligned with matching trailing lengths', () => {
    const ng = new PcapngWriter({ bigEndian: true });
    ng.addInterface({ linkType: LinkType.RAW, name: 'tun0', tsresol: 9, tsoffset: 5 });
    for (let n = 1; n <= 9; n++) ng.writePacket(0, 10_000_000, Buffer.alloc(n, n));
    ng.writeSimplePacket(Buffer.alloc(3));
    ng.writeBlock(0x99, Buffer.alloc(5));
    const bytes = ng.toBuffer();
    let pos = 0;
    let blocks = 0;
    while (pos < bytes.length) {
      const length = bytes.readUInt32BE(pos + 4);
      assert.equal(length % 4, 0);
      assert.equal(bytes.readUInt32BE(pos + length - 4), length);
      pos += length;
      blocks++;
    }
    assert.equal(pos, bytes.length);
    assert.equal(blocks, 1 + 1 + 9 + 1 + 1);
  });
});
