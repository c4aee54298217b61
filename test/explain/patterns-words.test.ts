import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** Patterns say only what the packets show. */

test('a reconnect loop over four different URLs does not claim "the same GET"', { skip }, async () => {
  const findings = await explainCorpus('zeek/http/http-non-printable-characters.pcap');
  const loop = findings.find((f) => f.cause === 'reconnect-loop');
  assert.ok(loop !== undefined);
  assert.equal(loop.details?.sameRequest, false);
  assert.doesNotMatch(loop.summary, /the same/);
  assert.ok(!loop.evidence[0].detail.includes('same request'), loop.evidence[0].detail);
});

test('llc.pcap: 1333 identical resets with nothing else are one finding, not 1333 and a pattern', {
  skip,
}, async () => {
  const findings = await explainCorpus('zeek/llc.pcap');
  const resets = findings.filter((f) => f.kind === 'reset');
  assert.equal(resets.length, 1);
  assert.equal(resets[0].packets.length, 1333);
  assert.ok(resets[0].evidence.some((e) => e.signal === 'repeated'));
  // The server never sent a packet: nothing may say it "keeps refusing".
  for (const f of findings) assert.doesNotMatch(f.summary, /refus/);
});
