import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import {
  collect,
  corpusFile,
  ethernetFrame,
  fingerprint,
  LinkType,
  makeTempDir,
  PcapngWriter,
  PcapWriter,
  removeTempDir,
  writeTemp,
} from '../helpers/capture-writer.ts';

const dir = makeTempDir();
after(() => removeTempDir(dir));

const files = [
  'zeek/http/get-to-ssh-server.pcap', // nanosecond pcap
  'ndpi/tests/cfgs/default/pcap/fuzz-2006-09-29-28586.pcap', // big-endian pcap
  'zeek/ldap/gap-data-missing.pcapng', // pcapng, several interfaces
  'ndpi/tests/cfgs/default/pcap/rtsp.pcap', // pcapng named .pcap, Linux SLL
  'zeek/smb/smb_many_open_files_500.pcap.gz', // gzip
];

describe('records straddling chunk boundaries', () => {
  for (const file of files) {
    test(file, async () => {
      const whole = await collect(corpusFile(file));
      assert.deepEqual(whole.summary.problems, []);
      assert.ok(whole.records.length > 5);
      for (const chunkSize of [16, 64, 1000, 4099]) {
        const small = await collect(corpusFile(file), { chunkSize });
        assert.deepEqual(small.summary, whole.summary, `chunkSize ${chunkSize}`);
        assert.equal(fingerprint(small.records), fingerprint(whole.records), `chunkSize ${chunkSize}`);
      }
    });
  }

  test('a record larger than the buffer makes it grow, then reading goes on', async () => {
    const big = ethernetFrame(200_000, 7);
    const pcap = new PcapWriter({ linkType: LinkType.ETHERNET });
    pcap.writePacket(1, ethernetFrame(60, 1));
    pcap.writePacket(2, big);
    pcap.writePacket(3, ethernetFrame(60, 3));
    const ng = new PcapngWriter();
    ng.addInterface({ linkType: LinkType.ETHERNET, snaplen: 0 });
    ng.writePacket(0, 1, ethernetFrame(60, 1));
    ng.writePacket(0, 2, big);
    ng.writePacket(0, 3, ethernetFrame(60, 3));
    for (const [name, bytes] of [
      ['big.pcap', pcap.toBuffer()],
      ['big.pcapng', ng.toBuffer()],
    ] as const) {
      const { records, summary } = await collect(writeTemp(dir, name, bytes), { chunkSize: 64 });
      assert.deepEqual(summary.problems, [], name);
      assert.deepEqual(
        records.map((r) => r.capturedLength),
        [60, 200_000, 60],
      );
      assert.ok(records[1].bytes.equals(big));
    }
  });

  test('progress reports the bytes read against the file size', async () => {
    const file = corpusFile('ndpi/tests/cfgs/default/pcap/1kxun.pcap');
    const size = fs.statSync(file).size;
    const calls: [number, number | null][] = [];
    await collect(file, { chunkSize: 65536, onProgress: (read, total) => calls.push([read, total]) });
    assert.ok(calls.length >= 2);
    assert.ok(calls.length < size / 65536, 'throttled: not one call per chunk');
    assert.deepEqual(calls.at(-1), [size, size]);
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] >= calls[i - 1][0]);
  });
});
