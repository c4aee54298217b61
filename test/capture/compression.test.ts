import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import {
  type Collected,
  collect,
  corpusFile,
  fingerprint,
  makeTempDir,
  removeTempDir,
  writeTemp,
} from '../helpers/capture-writer.ts';

const dir = makeTempDir();
after(() => removeTempDir(dir));

// A pcap (with many records) and a pcapng from the public corpus.
const sources = {
  pcap: corpusFile('ndpi/tests/cfgs/default/pcap/1kxun.pcap'),
  pcapng: corpusFile('ndpi/tests/cfgs/default/pcap/sites.pcapng'),
};
const plain = new Map<string, Collected>();

before(async () => {
  for (const [name, file] of Object.entries(sources)) plain.set(name, await collect(file));
});

describe('compressed captures', () => {
  for (const [name, file] of Object.entries(sources)) {
    for (const kind of ['gzip', 'zstd'] as const) {
      test(`${kind} ${name} reads like the plain file`, async () => {
        const raw = fs.readFileSync(file);
        const packed = kind === 'gzip' ? zlib.gzipSync(raw) : zlib.zstdCompressSync(raw);
        const got = await collect(writeTemp(dir, `c.${name}.${kind}`, packed), { chunkSize: 100_000 });
        const want = plain.get(name) as Collected;
        assert.deepEqual(got.summary.problems, []);
        assert.equal(got.summary.compression, kind);
        assert.equal(got.summary.format, name);
        assert.equal(got.summary.bytes, raw.length);
        assert.equal(got.records.length, want.records.length);
        assert.equal(fingerprint(got.records), fingerprint(want.records));
      });
    }
  }

  test('a corpus file that is gzip-compressed on disk', async () => {
    const got = await collect(corpusFile('zeek/smb/smb_many_open_files_500.pcap.gz'));
    assert.equal(got.summary.compression, 'gzip');
    assert.equal(got.records.length, 500);
    assert.deepEqual(got.summary.problems, []);
  });

  test('concatenated gzip members are one stream', async () => {
    const raw = fs.readFileSync(sources.pcap);
    const cut = 1_000_003;
    const packed = Buffer.concat([zlib.gzipSync(raw.subarray(0, cut)), zlib.gzipSync(raw.subarray(cut))]);
    const got = await collect(writeTemp(dir, 'members.pcap.gz', packed));
    assert.deepEqual(got.summary.problems, []);
    assert.equal(fingerprint(got.records), fingerprint(plain.get('pcap')!.records));
  });

  for (const kind of ['gzip', 'zstd'] as const) {
    test(`a cut ${kind} file: the records before the cut, then one fatal problem`, async () => {
      const raw = fs.readFileSync(sources.pcap);
      const packed = kind === 'gzip' ? zlib.gzipSync(raw) : zlib.zstdCompressSync(raw);
      const cutAt = Math.floor(packed.length / 3);
      const got = await collect(writeTemp(dir, `cut.${kind}`, packed.subarray(0, cutAt)));
      // What the decompressor could produce before the cut, parsed by the plain reader.
      const recovered = kind === 'gzip' ? partialGunzip(packed.subarray(0, cutAt)) : null;
      const want = plain.get('pcap')!.records;
      assert.ok(got.records.length > 100, `${got.records.length} records before the cut`);
      assert.ok(got.records.length < want.length);
      assert.equal(fingerprint(got.records), fingerprint(want.slice(0, got.records.length)));
      if (recovered !== null) {
        const prefix = await collect(writeTemp(dir, `cut.${kind}.prefix.pcap`, recovered));
        assert.equal(got.records.length, prefix.records.length);
      }
      assert.equal(got.summary.problems.length, 1);
      const problem = got.summary.problems[0];
      assert.equal(problem.fatal, true);
      assert.match(
        problem.message,
        new RegExp(`the ${kind} data is corrupt or cut short after ${cutAt} compressed bytes`),
      );
    });
  }

  test('corrupt gzip data: records before the damage, then a problem, no exception', async () => {
    const raw = fs.readFileSync(sources.pcap);
    const packed = zlib.gzipSync(raw);
    const damaged = Buffer.from(packed);
    for (let i = 0; i < 64; i++) damaged[Math.floor(packed.length / 2) + i] ^= 0x5a;
    const got = await collect(writeTemp(dir, 'damaged.pcap.gz', damaged));
    assert.equal(got.summary.problems.filter((p) => p.fatal).length, 1);
    const want = plain.get('pcap')!.records;
    assert.ok(got.records.length < want.length);
    // Records before the damaged region are intact.
    const intact = got.records.slice(0, Math.floor(got.records.length / 2));
    assert.equal(fingerprint(intact), fingerprint(want.slice(0, intact.length)));
  });

  for (const [what, at] of [
    ['CRC-32', 8],
    ['length', 4],
  ] as const) {
    test(`a bad ${what} in the gzip trailer: every packet delivered, then the problem`, async () => {
      const raw = fs.readFileSync(sources.pcap);
      const packed = zlib.gzipSync(raw);
      packed[packed.length - at] ^= 0xff;
      const got = await collect(writeTemp(dir, `badtrailer-${at}.pcap.gz`, packed), { chunkSize: 100_000 });
      const want = plain.get('pcap')!.records;
      // Node's own Gunzip drops the output of its last inflate call here (up to 256 KiB).
      assert.equal(got.records.length, want.length);
      assert.equal(fingerprint(got.records), fingerprint(want));
      assert.equal(got.summary.problems.length, 1);
      assert.equal(got.summary.problems[0].fatal, true);
      assert.match(
        got.summary.problems[0].message,
        new RegExp(
          `the gzip data fails its integrity check after ${packed.length} compressed bytes \\(incorrect ${what === 'CRC-32' ? 'data' : 'length'} check.*every packet it covers was read`,
        ),
      );
    });
  }

  test('gzip header fields (extra, name, comment, header CRC) and trailing garbage', async () => {
    const raw = fs.readFileSync(sources.pcapng);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(zlib.crc32(raw));
    const size = Buffer.alloc(4);
    size.writeUInt32LE(raw.length);
    const flags = 0x02 | 0x04 | 0x08 | 0x10; // FHCRC FEXTRA FNAME FCOMMENT
    const member = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]),
      Buffer.from([5, 0]),
      Buffer.from('AB\x03\x00x'),
      Buffer.from('sites.pcapng\0'),
      Buffer.from(`${'a long comment '.repeat(100)}\0`),
      Buffer.from([0x12, 0x34]),
      zlib.deflateRawSync(raw),
      crc,
      size,
    ]);
    // Tape-style zero padding after the last member: gzip ignores it ("trailing garbage").
    const got = await collect(writeTemp(dir, 'fields.gz', Buffer.concat([member, Buffer.alloc(512)])));
    assert.deepEqual(got.summary.problems, []);
    assert.equal(fingerprint(got.records), fingerprint(plain.get('pcapng')!.records));
  });

  test('a gzip file that is not a capture inside', async () => {
    const got = await collect(writeTemp(dir, 'text.gz', zlib.gzipSync('<html>hello</html>')));
    assert.equal(got.summary.compression, 'gzip');
    assert.equal(got.summary.format, 'unknown');
    assert.match(
      got.summary.problems[0].message,
      /text\.gz: gzip-compressed, but not a pcap or pcapng file: no pcap or pcapng magic number at byte 0 of the decompressed data \(found 3c 68 74 6d\)/,
    );
  });

  test('an empty gzip stream', async () => {
    const got = await collect(writeTemp(dir, 'empty.gz', zlib.gzipSync(Buffer.alloc(0))));
    assert.match(got.summary.problems[0].message, /empty once gzip-decompressed/);
  });
});

/** Everything zlib can inflate from a truncated gzip file (like `zcat` of a cut file). */
function partialGunzip(packed: Buffer): Buffer {
  return zlib.gunzipSync(packed, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
}
