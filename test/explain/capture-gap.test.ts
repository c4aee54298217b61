/**
 * A silence is measured against the capture's own activity: a stretch with no TCP packet at all
 * (files merged from different years, a clock that jumped) is a gap in the capture, not a wait.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { runExplain } from '../../src/cli/explain-command.ts';
import { CAPTURE_GAP, CaptureActivity } from '../../src/explain/activity.ts';
import { makeTempDir, removeTempDir } from '../helpers/capture-writer.ts';
import { tcpFrame } from '../helpers/frames.ts';
import { explainCorpus, onClientPort, skipWithoutCorpus as skip } from './corpus-findings.ts';

const dir = makeTempDir('rstscope-gap-');
after(() => removeTempDir(dir));

const REQ = 'GET /slow HTTP/1.1\r\nHost: svc\r\n\r\n';
const T0 = 1_600_000_000_000_000;
const YEAR = 365 * 24 * 3600 * 1_000_000;

/**
 * Connection A sends a request the server acknowledges; `later` µs after it, connection B (another
 * client) makes a short exchange; the capture ends a few seconds after B.
 */
function write(name: string, later: number): string {
  const file = path.join(dir, `${name}.pcap`);
  const fd = fs.openSync(file, 'w');
  const writer = new PcapWriter({ linkType: 1, fd });
  const put = (ts: number, f: Parameters<typeof tcpFrame>[0]) => writer.writePacket(ts, tcpFrame(f).bytes);
  const a = { src: '10.0.0.1', dst: '10.0.0.9', sport: 40000, dport: 80, ttl: 64 };
  const as = { src: '10.0.0.9', dst: '10.0.0.1', sport: 80, dport: 40000, ttl: 64 };
  put(T0, { ...a, seq: 100, flags: 'S', ipId: 1 });
  put(T0 + 100, { ...as, seq: 900, ack: 101, flags: 'SA', ipId: 1 });
  put(T0 + 200, { ...a, seq: 101, ack: 901, flags: 'A', ipId: 2 });
  put(T0 + 300, { ...a, seq: 101, ack: 901, flags: 'PA', ipId: 3, payload: REQ });
  put(T0 + 400, { ...as, seq: 901, ack: 101 + REQ.length, flags: 'A', ipId: 2 });
  const b = { src: '10.0.0.2', dst: '10.0.0.9', sport: 41000, dport: 22, ttl: 64 };
  const bs = { src: '10.0.0.9', dst: '10.0.0.2', sport: 22, dport: 41000, ttl: 64 };
  const t1 = T0 + later;
  put(t1, { ...b, seq: 5, flags: 'S', ipId: 1 });
  put(t1 + 100, { ...bs, seq: 7, ack: 6, flags: 'SA', ipId: 1 });
  put(t1 + 200, { ...b, seq: 6, ack: 8, flags: 'A', ipId: 2 });
  put(t1 + 5_000_000, { ...b, seq: 6, ack: 8, flags: 'FA', ipId: 3 });
  put(t1 + 5_000_100, { ...bs, seq: 8, ack: 7, flags: 'FA', ipId: 2 });
  writer.close();
  fs.closeSync(fd);
  return file;
}

test('an unanswered request followed by a two-year gap in the capture is no measured wait', async () => {
  const { findings } = await runExplain([write('jump', 2 * YEAR)]);
  const stall = findings.find((f) => f.cause === 'app-timeout');
  // Either no finding, or one that says the capture has a gap — never a wait of ~17,000 h.
  if (stall !== undefined) {
    assert.ok(stall.evidence.some((e) => e.signal === 'capture-gap'));
    assert.ok((stall.traceback?.silenceBefore ?? 0) < 3600, 'silence measured up to the gap');
  }
  for (const f of findings) assert.doesNotMatch(JSON.stringify(f), /\d{4,}\.\d h/);
});

test('the same request followed by 30 s of other traffic is a measured wait (a control)', async () => {
  const { findings } = await runExplain([write('quiet', 30_000_000)]);
  const stall = findings.find((f) => f.cause === 'app-timeout');
  assert.ok(stall !== undefined, 'a 35 s silence while the capture records traffic is an app stall');
  assert.ok(!stall.evidence.some((e) => e.signal === 'capture-gap'));
  assert.ok((stall.traceback?.silenceBefore ?? 0) > 30);
});

test('capture activity: holes longer than the gap split segments; shorter ones merge', () => {
  const a = new CaptureActivity();
  a.add(0, 0, 10);
  a.add(0, 20, 30); // 10 µs apart: one segment
  a.add(0, 30 + CAPTURE_GAP + 1, 40 + CAPTURE_GAP); // beyond the gap
  assert.equal(a.gapWithin(0, 5, 50 + CAPTURE_GAP)?.from, 30);
  assert.equal(a.gapWithin(0, 5, 25), null);
  a.add(0, 25, 35 + CAPTURE_GAP); // bridges the hole
  assert.equal(a.gapWithin(0, 5, 50 + CAPTURE_GAP), null);
  // After the last segment, up to a capture end only other traffic reached.
  assert.equal(a.gapWithin(0, 5, 41 + 3 * CAPTURE_GAP)?.from, 40 + CAPTURE_GAP);
});

test('zoom.pcap: the retransmission-timeout of 54854 only "passed" thanks to a 3-year jump', {
  skip,
}, async () => {
  const findings = await explainCorpus('ndpi/tests/cfgs/default/pcap/zoom.pcap');
  assert.deepEqual(
    onClientPort(findings, 54854).filter((f) => f.cause === 'retransmission-timeout'),
    [],
    'real silence 0.7 s < the 2.1 s retransmission interval',
  );
  for (const f of findings) assert.doesNotMatch(JSON.stringify(f), /\d{4,}\.\d h/);
});
