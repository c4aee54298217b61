import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { type Collected, collect, corpusFile, fingerprint } from '../helpers/capture-writer.ts';

const source = corpusFile('ndpi/tests/cfgs/default/pcap/sites.pcapng');
let plain: Collected;

before(async () => {
  plain = await collect(source);
});

/** A stream that hands out `bytes` in pieces of awkward sizes, like a pipe under load. */
function trickle(bytes: Buffer, sizes: number[]): Readable {
  const pieces: Buffer[] = [];
  let pos = 0;
  for (let i = 0; pos < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    pieces.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return Readable.from(pieces);
}

describe("standard input ('-')", () => {
  test('a stream passed as options.stdin, in odd-sized pieces', async () => {
    const bytes = fs.readFileSync(source);
    const got = await collect('-', { stdin: trickle(bytes, [1, 2, 3, 7, 1000, 65536, 13]), chunkSize: 4096 });
    assert.deepEqual(got.summary.problems, []);
    assert.equal(got.summary.path, '-');
    assert.equal(got.summary.bytes, bytes.length);
    assert.equal(fingerprint(got.records), fingerprint(plain.records));
  });

  test('gzip on standard input', async () => {
    const packed = zlib.gzipSync(fs.readFileSync(source));
    const got = await collect('-', { stdin: trickle(packed, [3, 5000]) });
    assert.equal(got.summary.compression, 'gzip');
    assert.equal(fingerprint(got.records), fingerprint(plain.records));
  });

  test('progress is reported with an unknown total', async () => {
    const calls: [number, number | null][] = [];
    const bytes = fs.readFileSync(source);
    await collect('-', {
      stdin: Readable.from([bytes]),
      onProgress: (read, total) => calls.push([read, total]),
    });
    assert.ok(calls.length >= 1);
    assert.deepEqual(calls.at(-1), [bytes.length, null]);
  });

  test('a real pipe into a child process reading process.stdin', async () => {
    const index = fileURLToPath(new URL('../../src/capture/index.ts', import.meta.url));
    const script = `
      import { readCapture } from ${JSON.stringify(index)};
      let frames = 0, last = 0;
      const s = await readCapture('-', 3, (r) => { frames++; last = r.frame; if (r.capture !== 3) throw new Error('capture index'); });
      console.log(JSON.stringify({ frames, last, format: s.format, problems: s.problems.length }));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    fs.createReadStream(source).pipe(child.stdin);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), {
      frames: plain.records.length,
      last: plain.records.at(-1)?.frame,
      format: 'pcapng',
      problems: 0,
    });
  });
});
