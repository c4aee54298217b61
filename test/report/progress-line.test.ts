/** ProgressLine (src/cli/progress.ts): only on a TTY, never with --quiet, throttled, cleared. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, ProgressLine, type ProgressStream } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean, columns = 100): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return {
    isTTY,
    columns,
    out,
    write(text: string) {
      out.push(text);
      return true;
    },
  };
}

describe('ProgressLine', () => {
  it('draws bytes, percent, rate and ETA at most once per interval, then clears the line', () => {
    let clock = 1000;
    const stream = fakeStream(true);
    const p = new ProgressLine(['big.pcap'], { stream, now: () => clock });
    p.onProgress(0, 0, 100_000_000);
    clock += 100;
    p.onProgress(0, 5_000_000, 100_000_000); // within the first interval: nothing
    assert.deepEqual(stream.out, []);
    clock += 900; // 1 s after the start of this capture
    p.onProgress(0, 10_000_000, 100_000_000);
    assert.equal(stream.out.length, 1);
    assert.equal(stream.out[0], '\r\x1b[2Kreading big.pcap: 10.0 MB of 100 MB (10%), 10.0 MB/s, ETA 0:09');
    for (let i = 0; i < 10; i++) {
      clock += 50; // 20 calls per second → at most 5 redraws per second
      p.onProgress(0, 10_000_000 + i, 100_000_000);
    }
    assert.ok(stream.out.length <= 1 + 3, `${stream.out.length} draws in 0.5 s`);
    p.done();
    assert.equal(stream.out.at(-1), '\r\x1b[2K');
    const before = stream.out.length;
    p.done();
    assert.equal(stream.out.length, before, 'a second done() writes nothing');
  });

  it('is silent when stderr is not a terminal, or with --quiet', () => {
    for (const [tty, quiet] of [
      [false, false],
      [true, true],
    ]) {
      let clock = 0;
      const stream = fakeStream(tty);
      const p = new ProgressLine(['x.pcap'], { stream, quiet, now: () => clock });
      for (let i = 0; i < 20; i++) {
        clock += 500;
        p.onProgress(0, i * 1000, 20_000);
      }
      p.done();
      assert.equal(p.enabled, false);
      assert.deepEqual(stream.out, []);
    }
  });

  it('names the capture and its rank, escapes control characters in the path, fits the terminal', () => {
    const stream = fakeStream(true, 40);
    const p = new ProgressLine(['a.pcap', 'evil\x1b]0;title\x07.pcap'], { stream, now: () => 0 });
    const line = p.line(1, 2048, null, 2000);
    assert.ok(line.length <= 39);
    assert.ok(!/[\x00-\x1f]/.test(line), JSON.stringify(line));
    const wide = new ProgressLine(['a.pcap', 'evil\x1b]0;title\x07.pcap'], { stream: fakeStream(true, 200) });
    assert.equal(
      wide.line(1, 2048, null, Date.now()).startsWith('reading evil\\x1b]0;title\\x07.pcap (2/2): 2.05 kB'),
      true,
    );
    // Unknown total (a pipe): no percent and no ETA.
    assert.doesNotMatch(wide.line(1, 2048, null), /%|ETA/);
  });

  it('treats a terminal that reports 0 columns (script without a size) as 80 wide', () => {
    const stream = fakeStream(true, 0);
    const p = new ProgressLine(['capture.pcap'], { stream, now: () => 0 });
    const line = p.line(0, 5_000_000, 10_000_000, 1000);
    assert.equal(line, 'reading capture.pcap: 5.00 MB of 10.0 MB (50%), 5.00 MB/s, ETA 0:01');
    const narrow = new ProgressLine([`${'x'.repeat(100)}.pcap`], { stream, now: () => 0 });
    assert.equal(narrow.line(0, 1, null, 1000).length, 79);
  });

  it('keeps the rate of the last advance while the count stands still, none before it moves', () => {
    let clock = 0;
    const stream = fakeStream(true);
    const p = new ProgressLine(['x.pcap.gz'], { stream, interval: 0, now: () => clock });
    // A decompressor's read-ahead: the whole compressed file is counted at once.
    p.onProgress(0, 4_000_000, 4_000_000);
    assert.equal(stream.out.at(-1), '\r\x1b[2Kreading x.pcap.gz: 4.00 MB of 4.00 MB (100%)');
    clock = 2000;
    p.onProgress(0, 4_000_000, 4_000_000);
    assert.doesNotMatch(stream.out.at(-1)!, /\/s/, 'no rate from a count that never moved');
    const q = new ProgressLine(['y.pcap'], { stream, interval: 0, now: () => clock });
    clock = 10_000;
    q.onProgress(0, 0, 8_000_000);
    clock = 11_000;
    q.onProgress(0, 8_000_000, 8_000_000);
    assert.match(stream.out.at(-1)!, /\(100%\), 8\.00 MB\/s$/);
    clock = 15_000; // the reader still parses the last chunk: the rate must not fall
    q.onProgress(0, 8_000_000, 8_000_000);
    assert.match(stream.out.at(-1)!, /\(100%\), 8\.00 MB\/s$/);
  });

  it('names the explain step at once, after the read, and clears it at the end', () => {
    const clock = 0;
    const stream = fakeStream(true);
    const p = new ProgressLine(['x.pcap'], { stream, now: () => clock });
    p.onProgress(0, 10, 100);
    assert.deepEqual(stream.out, [], 'within the first interval: nothing yet');
    p.explaining(62_500);
    assert.deepEqual(stream.out, ['\r\x1b[2Kexplaining 62,500 connections…']);
    p.explaining(1);
    assert.equal(stream.out.at(-1), '\r\x1b[2Kexplaining 1 connection…');
    p.done();
    assert.equal(stream.out.at(-1), '\r\x1b[2K');
    const quiet = fakeStream(true);
    new ProgressLine(['x.pcap'], { stream: quiet, quiet: true }).explaining(5);
    new ProgressLine(['x.pcap'], { stream: fakeStream(false) }).explaining(5);
    assert.deepEqual(quiet.out, []);
  });

  it('formats byte counts', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.50 kB');
    assert.equal(formatBytes(12_345_678), '12.3 MB');
    assert.equal(formatBytes(4_200_000_000), '4.20 GB');
  });
});

describe('ProgressLine as the readPackets hook', () => {
  it('receives the reader progress of a real capture and ends with the full size', async () => {
    const { readPackets } = await import('../../src/pipeline/read-packets.ts');
    const path = await import('node:path');
    const fs = await import('node:fs');
    const file = path.join(import.meta.dirname, '..', 'fixtures/lab/busy/client.pcap');
    const stream = fakeStream(true, 200);
    const p = new ProgressLine([file], { stream, interval: 0 });
    await readPackets([file], { onTcp() {}, onProgress: p.onProgress });
    p.done();
    const size = fs.statSync(file).size;
    const last = stream.out.at(-2) ?? '';
    assert.match(
      last,
      new RegExp(
        `reading .*client\\.pcap: ${formatBytes(size).replace('.', '\\.')} of ${formatBytes(size).replace('.', '\\.')} \\(100%\\)`,
      ),
    );
    assert.equal(stream.out.at(-1), '\r\x1b[2K');
  });
});
