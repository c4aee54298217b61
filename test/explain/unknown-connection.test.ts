import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, holding, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** A stateless reset after an earlier reset on the connection echoes it; it is no state loss. */

test('a reset 15.6 s after the peer reset the connection is an echo, not a restart', { skip }, async () => {
  // Client RST 64 (handshake abandoned), client data 65 15.6 s later, server's bare RST 66.
  const f = holding(await explainCorpus('zeek/modbus/modbus-and-non-modbus-p502.pcap'), 66);
  assert.equal(f.cause, 'unknown-connection');
  assert.equal(f.severity, 'benign');
  assert.match(f.summary, /frame 64/);
  assert.doesNotMatch(f.nextStep, /restart|failed over/);
});

test("a straggler after the server's own reset gets an echo, not a state-loss verdict", {
  skip,
}, async () => {
  const f = holding(await explainCorpus('zeek/tcp/rst-inject-rae.pcap'), 9);
  assert.equal(f.severity, 'benign');
  assert.match(f.summary, /frame 7/);
});

test('a "stateless" reset after the peer acknowledged data the capture never showed is uncertain', {
  skip,
}, async () => {
  // ja3_lots_of_cipher_suites: server ACK 10 covers 7 client bytes never captured; client RST 11.
  const f = holding(await explainCorpus('ndpi/tests/cfgs/default/pcap/ja3_lots_of_cipher_suites.pcap'), 11);
  assert.ok(f.confidence <= 0.4, `confidence ${f.confidence}`);
  assert.ok(f.evidence.some((e) => e.signal === 'unseen-data'));
});

test("the echo of a forged reset does not call it the peer's reset", async () => {
  // Lab injected-one-way, client capture: a device forged frame 14 with the server's address;
  // the server kept sending (frame 15) and the client's stack answered it statelessly (frame 16).
  const { runExplain } = await import('../../src/cli/explain-command.ts');
  const { findings } = await runExplain(['test/fixtures/lab/injected-one-way/client.pcap']);
  const echo = findings.find((f) => f.packets.some((p) => p.frame === 16))!;
  assert.equal(echo.cause, 'unknown-connection');
  assert.equal(echo.origin, 'client');
  assert.doesNotMatch(echo.summary, /server's reset/);
  assert.match(echo.summary, /frame 14 that carried the server's address/);
  const forged = findings.find((f) => f.packets.some((p) => p.frame === 14))!;
  assert.equal(forged.origin, 'middlebox');
});
