import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { CaptureInputError, readCapture } from '../../src/capture/index.ts';
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

/** Three Ethernet frames of 60, 74 and 60 bytes in a µs pcap. */
function threePcapRecords(): Buffer {
  const writer = new PcapWriter({ linkType: LinkType.ETHERNET });
  writer.writePacket(1_000_000, ethernetFrame(60, 1));
  writer.writePacket(2_000_000, ethernetFrame(74, 2));
  writer.writePacket(3_000_000, ethernetFrame(60, 3));
  return writer.toBuffer();
}

async function onlyProblem(file: string) {
  const { records, summary } = await collect(file);
  assert.equal(summary.problems.length, 1, JSON.stringify(summary.problems));
  return { records, summary, problem: summary.problems[0] };
}

describe('not a capture', () => {
  test('an HTML page', async () => {
    const file = writeTemp(dir, 'page.pcap', Buffer.from('<html><body>404</body></html>'));
    const { records, summary, problem } = await onlyProblem(file);
    assert.equal(records.length, 0);
    assert.equal(summary.format, 'unknown');
    assert.equal(
      problem.message,
      `${file}: not a pcap or pcapng file: no pcap or pcapng magic number at byte 0 (found 3c 68 74 6d)`,
    );
    assert.equal(problem.fatal, true);
    assert.equal(problem.offset, 0);
    assert.equal(problem.path, file);
  });

  test('an empty file', async () => {
    const file = writeTemp(dir, 'empty.pcap', Buffer.alloc(0));
    const { problem } = await onlyProblem(file);
    assert.equal(problem.message, `${file}: empty file, not a capture`);
  });

  test('a file shorter than any magic number', async () => {
    const file = writeTemp(dir, 'short.pcap', Buffer.from([0xd4, 0xc3]));
    const { problem } = await onlyProblem(file);
    assert.equal(
      problem.message,
      `${file}: not a pcap or pcapng file: no pcap or pcapng magic number at byte 0 (found d4 c3)`,
    );
  });

  test('a format we recognise but do not read gets a hint', async () => {
    const file = writeTemp(dir, 'trace.pcap.xz', Buffer.from('fd377a585a000004e6d6b446', 'hex'));
    const { problem } = await onlyProblem(file);
    assert.match(
      problem.message,
      /not a pcap or pcapng file: no pcap or pcapng magic number at byte 0 \(found fd 37 7a 58\); it is xz-compressed/,
    );
  });

  test('a pcap file header cut short', async () => {
    const file = writeTemp(dir, 'header.pcap', threePcapRecords().subarray(0, 20));
    const { problem, summary } = await onlyProblem(file);
    assert.equal(summary.format, 'pcap');
    assert.equal(
      problem.message,
      `${file}: truncated pcap file header: 20 of 24 bytes present; the file was cut short`,
    );
  });
});

describe('input errors reject with a printable message', () => {
  test('a missing file', async () => {
    const file = path.join(dir, 'nope.pcap');
    await assert.rejects(
      readCapture(file, 0, () => {}),
      (error: unknown) => {
        assert.ok(error instanceof CaptureInputError);
        assert.equal(error.message, `${file}: no such file`);
        assert.equal(error.code, 'ENOENT');
        return true;
      },
    );
  });

  test('a directory', async () => {
    await assert.rejects(
      readCapture(dir, 0, () => {}),
      {
        name: 'CaptureInputError',
        message: `${dir}: is a directory, not a capture file`,
      },
    );
  });

  test('an exception thrown by the handler is the caller’s and propagates', async () => {
    const file = writeTemp(dir, 'ok.pcap', threePcapRecords());
    await assert.rejects(
      readCapture(file, 0, () => {
        throw new Error('consumer bug');
      }),
      /consumer bug/,
    );
  });
});

describe('cut and corrupt captures', () => {
  test('a final record cut short: earlier frames delivered, the cut one reported', async () => {
    const bytes = threePcapRecords();
    // Keep 40 of the 74 bytes of the second frame.
    const secondRecord = 24 + 16 + 60;
    const file = writeTemp(dir, 'cut.pcap', bytes.subarray(0, secondRecord + 16 + 40));
    const { records, problem, summary } = await onlyProblem(file);
    assert.deepEqual(
      records.map((r) => r.frame),
      [1],
    );
    assert.equal(
      problem.message,
      `${file}: truncated record at byte ${secondRecord}: 40 of 74 bytes present; the capture was cut short`,
    );
    assert.equal(problem.offset, secondRecord);
    assert.equal(problem.fatal, true);
    assert.equal(summary.bytes, secondRecord);
  });

  test('a record header cut short', async () => {
    const bytes = threePcapRecords();
    const file = writeTemp(dir, 'cuthdr.pcap', bytes.subarray(0, 24 + 16 + 60 + 10));
    const { records, problem } = await onlyProblem(file);
    assert.equal(records.length, 1);
    assert.match(problem.message, /truncated record header at byte 100: 10 of 16 bytes present/);
  });

  test('a corrupt record length in the middle: the next record is found, the skip reported', async () => {
    const bytes = threePcapRecords();
    const second = 24 + 16 + 60;
    bytes.writeUInt32LE(0x7fffffff, second + 8);
    const file = writeTemp(dir, 'corrupt.pcap', bytes);
    const { records, problem, summary } = await onlyProblem(file);
    // Frame 1 keeps tshark's number; the damaged record gets none; the third is read on as 2.
    assert.deepEqual(
      records.map((r) => [r.frame, r.capturedLength, r.tsMicros]),
      [
        [1, 60, 1_000_000],
        [2, 60, 3_000_000],
      ],
    );
    assert.equal(problem.offset, second);
    assert.equal(problem.fatal, false);
    assert.equal(
      problem.message,
      `${file}: corrupt record at byte 100: it claims 2147483647 captured bytes, more than the 262144 any frame can have; skipped 90 bytes to the next plausible record, at byte 190, and read on (tshark stops at the damage; frames after it are numbered on from frame 1)`,
    );
    assert.equal(summary.readable, true);
    assert.equal(summary.bytes, bytes.length);
  });

  test('a record length running past the end of the file, far from it, is corrupt, not a cut', async () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 20; i++) writer.writePacket(1_000_000 * (i + 1), ethernetFrame(60 + i, i));
    const bytes = writer.toBuffer();
    // Record 5 claims 200,000 bytes (allowed by the snaplen) in a file of under 2 KB.
    let at = 24;
    for (let i = 0; i < 4; i++) at += 16 + 60 + i;
    bytes.writeUInt32LE(200_000, at + 8);
    bytes.writeUInt32LE(200_000, at + 12);
    const file = writeTemp(dir, 'pastend.pcap', bytes);
    const { records, problem } = await onlyProblem(file);
    assert.deepEqual(
      records.map((r) => r.tsMicros / 1_000_000),
      [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    );
    assert.equal(problem.fatal, false);
    assert.match(
      problem.message,
      new RegExp(
        `corrupt record at byte ${at}: it claims 200000 captured bytes, more than the \\d+ left in the file; skipped ${16 + 64} bytes`,
      ),
    );
  });

  test('two pcap files concatenated (cat a.pcap b.pcap): the second file header is skipped', async () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET });
    for (let i = 0; i < 3; i++)
      writer.writePacket(1_700_000_000_000_000 + i * 1000, ethernetFrame(60 + i, i));
    const one = writer.toBuffer();
    const file = writeTemp(dir, 'cat.pcap', Buffer.concat([one, one]));
    const { records, summary } = await collect(file);
    // Its first 16 bytes read as a record of 0 bytes (as tshark reads them), then its snaplen as
    // a length no frame can have: skipped to the second file's first record.
    assert.deepEqual(
      records.map((r) => r.capturedLength),
      [60, 61, 62, 0, 60, 61, 62],
    );
    assert.equal(summary.problems.length, 1);
    assert.match(
      summary.problems[0].message,
      new RegExp(`skipped 8 bytes to the next plausible record, at byte ${one.length + 24}`),
    );
  });

  test('a corrupt record length near the end, with nothing plausible after it, stops reading', async () => {
    const bytes = threePcapRecords();
    const third = 24 + 2 * 16 + 60 + 74;
    bytes.writeUInt32LE(0x7fffffff, third + 8);
    const file = writeTemp(dir, 'corrupt-last.pcap', bytes);
    const { records, problem } = await onlyProblem(file);
    assert.equal(records.length, 2);
    assert.equal(problem.fatal, true);
    assert.match(
      problem.message,
      /corrupt record at byte 190: it claims 2147483647 captured bytes, more than the 262144 any frame can have, and no plausible record follows; reading stopped there/,
    );
  });

  test('from a pipe (size unknown): a corrupt length is still told from a cut at the end', async () => {
    const bytes = threePcapRecords();
    const second = 24 + 16 + 60;
    bytes.writeUInt32LE(100_000, second + 8); // within the snaplen, but far more than is left
    bytes.writeUInt32LE(100_000, second + 12);
    const got = await collect('-', { stdin: Readable.from([bytes]) });
    assert.deepEqual(
      got.records.map((r) => r.tsMicros),
      [1_000_000, 3_000_000],
    );
    assert.match(
      got.summary.problems[0].message,
      /skipped 90 bytes to the next plausible record, at byte 190/,
    );
  });

  test('a pcapng file cut inside a block', async () => {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET });
    writer.writePacket(0, 1, ethernetFrame(60, 1));
    writer.writePacket(0, 2, ethernetFrame(60, 2));
    const bytes = writer.toBuffer();
    const last = bytes.length - 92; // EPB of a 60-byte frame: 32 + 60
    const file = writeTemp(dir, 'cut.pcapng', bytes.subarray(0, bytes.length - 30));
    const { records, problem } = await onlyProblem(file);
    assert.equal(records.length, 1);
    assert.equal(
      problem.message,
      `${file}: truncated Enhanced Packet Block at byte ${last}: 62 of 92 bytes present; the capture was cut short`,
    );
  });

  test('a real corpus capture cut at every kind of place never throws', async () => {
    const bytes = fs.readFileSync(corpusFile('zeek/ldap/modify-request.pcapng'));
    for (const keep of [1, 4, 11, 27, 28, 100, 1000, bytes.length - 1]) {
      const { summary } = await collect(writeTemp(dir, 'prefix.pcapng', bytes.subarray(0, keep)));
      assert.equal(summary.problems.filter((p) => p.fatal).length, 1, `cut at ${keep}`);
    }
  });
});
