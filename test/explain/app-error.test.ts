import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, holding, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** app-error: who must act depends on what the error says; an error answering a goodbye is none. */

test("STATUS_LOGON_FAILURE sends the reader to the client's credentials, not the server", {
  skip,
}, async () => {
  const findings = await explainCorpus('arkime/tests/pcap/wireshark-smb-on-windows10.pcap');
  for (const f of findings.filter((x) => x.kind === 'reset')) {
    assert.equal(f.cause, 'app-error');
    assert.match(f.nextStep, /^On the client side/);
    assert.match(f.nextStep, /credentials/);
  }
});

test("STATUS_USER_SESSION_DELETED for a second LOGOFF, then the client's FIN: no problem", {
  skip,
}, async () => {
  const f = holding(await explainCorpus('suricata-verify/tests/dcerpc/zerologon/input.pcap'), 695);
  assert.notEqual(f.cause, 'app-error');
  assert.equal(f.severity, 'benign');
});

test('SMTP 521: the rejection is the cause, named in the summary; the client must act', {
  skip,
}, async () => {
  const f = holding(await explainCorpus('arkime/tests/pcap/smtp-data-521.pcap'), 38);
  assert.equal(f.cause, 'app-error');
  assert.match(f.summary, /SMTP 521/);
  assert.match(f.nextStep, /^On the client side/);
  assert.doesNotMatch(f.nextStep, /RSET/);
  for (const a of f.alternatives)
    assert.ok(a.confidence < f.confidence, `a tie decided by rule order: ${a.why}`);
});

test('no verdict wins a tie by rule order', { skip }, async () => {
  for (const path of [
    'suricata-verify/tests/smtp-bdat-bad-tail-next-mail/input.pcap',
    'suricata-verify/tests/tls/tls-fin-close-data-01/debug-s13.pcap',
  ]) {
    for (const f of await explainCorpus(path)) {
      for (const a of f.alternatives) assert.ok(a.confidence < f.confidence, `${path} #${f.id}: ${a.why}`);
    }
  }
});
