import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { CORPUS_DIR, corpusAvailable } from '../helpers/corpus.ts';

/**
 * Known cases in the public corpus (captures written by others, described in its README): each
 * must be explained the way an expert reading the packets would.
 */
const skip = !corpusAvailable() && 'corpus not present';

async function explain(path: string): Promise<Finding[]> {
  return (await runExplain([join(CORPUS_DIR, path)])).findings;
}

function holding(findings: Finding[], frame: number): Finding {
  const f = findings.find((x) => x.kind === 'reset' && x.packets.some((p) => p.frame === frame));
  assert.ok(f !== undefined, `no finding holds frame ${frame}`);
  return f;
}

test('zeek rst-inject-rae: the RST+ACK before the real SYN-ACK is injected', { skip }, async () => {
  const f = holding(await explain('zeek/tcp/rst-inject-rae.pcap'), 2);
  assert.equal(f.origin, 'middlebox');
  assert.equal(f.cause, 'middlebox-injected');
  assert.equal(f.severity, 'security');
  const signals = new Set(f.evidence.map((e) => e.signal));
  assert.ok(signals.has('after-reset'), 'the server answered the SYN after "its" reset');
  assert.ok(signals.has('crafted'), 'reserved bits set');
});

test('suricata security-4710-02: the TCP-AO-signed reset is injected, the final one is not', {
  skip,
}, async () => {
  const findings = await explain('suricata-verify/tests/security-4710-02/input.pcap');
  const injected = holding(findings, 7);
  assert.equal(injected.origin, 'middlebox');
  assert.equal(injected.cause, 'middlebox-injected');
  assert.ok(injected.evidence.some((e) => e.signal === 'crafted' && /TCP-AO/.test(e.detail)));
  const last = holding(findings, 14);
  assert.notEqual(last, injected, 'the end-of-connection reset is a separate finding');
  assert.equal(last.origin, 'client');
});

test('suricata bug-3286-03: the timestamped reset racing the SYN-ACK is forged', { skip }, async () => {
  const f = holding(
    await explain('suricata-verify/tests/bug-3286-03-windows-evasion/with_evasion_windows.pcap'),
    2,
  );
  assert.equal(f.origin, 'middlebox');
  assert.equal(f.cause, 'middlebox-injected');
  assert.ok(f.evidence.some((e) => e.signal === 'tcp-timestamp'));
});

test('arkime SMB on Windows 10: logon failures, then the client resets; a reconnect loop', {
  skip,
}, async () => {
  const findings = await explain('arkime/tests/pcap/wireshark-smb-on-windows10.pcap');
  const resets = findings.filter((f) => f.kind === 'reset');
  assert.equal(resets.length, 5);
  for (const f of resets) {
    assert.equal(f.cause, 'app-error');
    assert.equal(f.origin, 'client');
    assert.match(f.app?.response ?? '', /STATUS_LOGON_FAILURE/);
    assert.match(f.app?.request ?? '', /SESSION_SETUP/);
  }
  const loop = findings.find((f) => f.cause === 'reconnect-loop');
  assert.ok(loop !== undefined, 'the five attempts form a reconnect loop');
  assert.equal(loop.related?.length, 5);
});

test("arkime SMTP 521: the server rejected the message and closed; its reset answers the client's RSET", {
  skip,
}, async () => {
  // The 521 is why the connection ended (app-error); the reset itself only met the client's
  // RSET + FIN on the closed socket, which data-after-close (benign) lists as the alternative.
  const f = holding(await explain('arkime/tests/pcap/smtp-data-521.pcap'), 38);
  assert.equal(f.origin, 'server');
  assert.equal(f.cause, 'app-error');
  assert.match(f.app?.response ?? '', /^SMTP 521/);
  assert.ok(f.alternatives.some((a) => a.cause === 'data-after-close'));
});

test('zeek llc.pcap: 1333 identical resets are one finding listing all its packets', { skip }, async () => {
  const findings = await explain('zeek/llc.pcap');
  const resets = findings.filter((f) => f.kind === 'reset');
  assert.equal(resets.length, 1);
  assert.equal(resets[0].packets.length, 1333);
});
