import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, holding, skipWithoutCorpus as skip } from './corpus-findings.ts';

/**
 * Resets at the end of a connection: closing words and data crossing a FIN are ordinary ends;
 * only a peer that knowingly keeps talking to a closed socket is a problem.
 */

test("a TLS 1.3 alert sent with the peer's own FIN is its last words (opera-vpn 51414)", {
  skip,
}, async () => {
  // Client FIN 1430; server 24-byte record (a TLS 1.3 close_notify) 1443 and FIN 1444; client RST 1445.
  const f = holding(await explainCorpus('ndpi/tests/cfgs/default/pcap/opera-vpn.pcapng'), 1445);
  assert.equal(f.cause, 'data-after-close');
  assert.equal(f.severity, 'benign');
});

test('data sent before the FIN reached the peer crossed it: benign, and the summary says why', {
  skip,
}, async () => {
  // pinterest 38516: ClientHello 60, client FIN 78, ServerHello 95 acks only up to the FIN's seq.
  const f = holding(await explainCorpus('ndpi/tests/cfgs/default/pcap/pinterest.pcap'), 100);
  assert.equal(f.cause, 'data-after-close');
  assert.equal(f.severity, 'benign');
  assert.ok(f.evidence.some((e) => e.signal === 'crossing'));
  assert.match(f.summary, /its request \(TLS ClientHello/);
});

test('a peer that kept sending after seeing the FIN is still a problem (lab data-after-close)', async () => {
  const { runExplain } = await import('../../src/cli/explain-command.ts');
  const { findings } = await runExplain(['test/fixtures/lab/data-after-close/server.pcap']);
  const f = findings.find((x) => x.kind === 'reset');
  assert.equal(f?.cause, 'data-after-close');
  assert.equal(f?.severity, 'problem');
});

test('the peer had said goodbye and closed: the reset is harmless (LDAP unbind, TLS close_notify, SSH)', {
  skip,
}, async () => {
  const cases: [string, number][] = [
    ['zeek/ldap/ctu-60387-63723-ldap.pcap', 9], // unbindRequest 6, FIN 7, ACK 8, RST 9
    ['zeek/tls/missing-intermediate.pcap', 14], // close_notify 11, FIN 12, RST 14
    ['zeek/ssh/ssh.pcap', 264],
    ['zeek/rdp/rdp-to-ssl.pcap', 658],
  ];
  for (const [path, frame] of cases) {
    const f = holding(await explainCorpus(path), frame);
    assert.notEqual(f.cause, 'close-with-unread-data', `${path} ${frame}`);
    assert.equal(f.severity, 'benign', `${path} ${frame}`);
    assert.ok(!/nothing was outstanding/.test(f.summary) || f.traceback?.outstanding.client === 0, f.summary);
  }
});

test('rst-after-fin never claims "nothing outstanding" when the trace-back shows bytes in flight', {
  skip,
}, async () => {
  const f = holding(
    await explainCorpus('suricata-verify/tests/tcp-fastopen-10-syn-data-ignore/input.pcap'),
    49,
  );
  assert.equal(f.cause, 'rst-after-fin');
  const outstanding = (f.traceback?.outstanding.client ?? 0) + (f.traceback?.outstanding.server ?? 0);
  if (outstanding > 0) assert.doesNotMatch(f.summary, /nothing (was )?outstanding|no data outstanding/);
});
