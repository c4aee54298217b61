import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, holding, skipWithoutCorpus as skip } from './corpus-findings.ts';

/**
 * retransmission-exhausted names ONE segment still outstanding at the reset, resent by a timer:
 * not a handshake SYN answered long before, not copies of one packet captured several times.
 */

test('a SYN resent before the handshake completed does not make a later reset "exhausted"', {
  skip,
}, async () => {
  // Client SYN sent 11 times (frames 1–16), answered, then a TLS session and an ordinary close:
  // server close_notify 46 + FIN 47, client FIN 48, client RSTs 49/50.
  const f = holding(
    await explainCorpus('suricata-verify/tests/tcp-fastopen-10-syn-data-ignore/input.pcap'),
    49,
  );
  assert.notEqual(f.cause, 'retransmission-exhausted');
  assert.equal(f.severity, 'benign');
  assert.equal(f.traceback?.retransmission, null, 'nothing was being retransmitted at the reset');
});

test('copies of one packet are not retransmissions (rtsp.pcap holds every packet 4 times)', {
  skip,
}, async () => {
  const findings = await explainCorpus('ndpi/tests/cfgs/default/pcap/rtsp.pcap');
  for (const frame of [103, 189, 481]) {
    const f = holding(findings, frame);
    assert.notEqual(f.cause, 'retransmission-exhausted', `frame ${frame}`);
    assert.equal(f.traceback?.retransmission, null, `frame ${frame}: copies µs apart are no backoff`);
    // The request the reset answered is named by its first copy (frame 97 for 103), not a later one.
    assert.ok(!f.evidence[0].detail.includes('(frame 100)'), f.evidence[0].detail);
  }
  // Its siblings that behave the same get the same verdict.
  assert.equal(holding(findings, 103).cause, holding(findings, 7).cause);
});

test('a segment resent with backoff and never acknowledged still is; the trace-back names it', {
  skip,
}, async () => {
  const f = holding(await explainCorpus('arkime/tests/pcap/CVE-2018-6794.pcap'), 30);
  assert.equal(f.cause, 'retransmission-exhausted');
  const rt = f.traceback?.retransmission;
  assert.ok(rt !== null && rt !== undefined);
  assert.equal(rt.from, 'client');
  assert.equal(rt.sends, 6);
  assert.ok(f.evidence[0].detail.includes(`seq ${rt.seq}`), 'evidence and trace-back name one segment');
  assert.ok(
    rt.intervals.every((d, i) => i === 0 || d > rt.intervals[i - 1]),
    'backoff',
  );
});
