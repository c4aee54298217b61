import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, holding, skipWithoutCorpus as skip } from './corpus-findings.ts';

/**
 * Forgery needs resets unlike their claimed senders. Two hosts that close at once and reset each
 * other, or a stack answering every segment after its socket closed, are no device in the path;
 * a device clearing its state long after a connection ended is no attack.
 */

test('zoom: both ends closed at once and each reset the other with its own TTL and IP ID', {
  skip,
}, async () => {
  const findings = await explainCorpus('ndpi/tests/cfgs/default/pcap/zoom.pcap');
  for (const frame of [259, 265, 261]) {
    const f = holding(findings, frame);
    assert.notEqual(f.cause, 'middlebox-injected', `frame ${frame}`);
    assert.notEqual(f.origin, 'middlebox', `frame ${frame}`);
    assert.equal(f.severity, 'benign', `frame ${frame}`);
    const signals = f.originDetail?.votes.map((v) => v.signal) ?? [];
    assert.ok(!signals.includes('both-ends') && !signals.includes('seq-spray'), `frame ${frame}: ${signals}`);
  }
});

test('ethereum 56626: 13 bare resets, each copying the ACK of a segment it answers, are no spray', {
  skip,
}, async () => {
  const f = holding(await explainCorpus('ndpi/tests/cfgs/default/pcap/ethereum.pcap'), 199);
  assert.equal(f.origin, 'server');
  assert.notEqual(f.severity, 'security');
  assert.ok(!(f.originDetail?.votes ?? []).some((v) => v.signal === 'seq-spray'));
  const outstanding = (f.traceback?.outstanding.client ?? 0) + (f.traceback?.outstanding.server ?? 0);
  if (outstanding > 0) assert.doesNotMatch(f.summary, /nothing (was )?outstanding|no data outstanding/);
});

test('Teredo: a device resetting connections 16–18 s after they ended is no security alarm', {
  skip,
}, async () => {
  const findings = await explainCorpus('zeek/tunnels/Teredo.pcap');
  for (const frame of [50, 51, 78]) {
    const f = holding(findings, frame);
    assert.equal(f.origin, 'middlebox', `frame ${frame}: TTL 255 is not the server's`);
    assert.notEqual(f.cause, 'middlebox-injected', `frame ${frame}`);
    assert.notEqual(f.severity, 'security', `frame ${frame}`);
    assert.match(f.summary, /already ended/);
  }
});
