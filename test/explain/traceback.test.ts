import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { explainCorpus, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** The trace-back names a trigger only when seq/ack or timing support it, and counts honestly. */

test('an abort 3 s after the last packet answers nothing (lab app-timeout-smb)', async () => {
  const { findings } = await runExplain(['test/fixtures/lab/app-timeout-smb/client.pcap']);
  const f = findings.find((x) => x.kind === 'reset');
  assert.equal(f?.cause, 'app-timeout');
  assert.equal(f?.traceback?.trigger, null, `named ${JSON.stringify(f?.traceback?.trigger)}`);
});

test('data the RST/ACK itself acknowledges is not outstanding (SMB on Windows 10)', { skip }, async () => {
  const findings = await explainCorpus('arkime/tests/pcap/wireshark-smb-on-windows10.pcap');
  for (const f of findings.filter((x) => x.kind === 'reset')) {
    assert.equal(f.traceback?.outstanding.server, 0, `#${f.id}: the client's RST/ACK acknowledges the 77 B`);
  }
});

test('no evidence lists a frame twice', { skip }, async () => {
  for (const path of [
    'ndpi/tests/cfgs/default/pcap/threema.pcap',
    'ndpi/tests/cfgs/default/pcap/zoom.pcap',
  ]) {
    for (const f of await explainCorpus(path)) {
      for (const e of f.evidence) {
        const keys = e.frames.map((r) => `${r.capture}:${r.frame}`);
        assert.equal(new Set(keys).size, keys.length, `${path} #${f.id} ${e.signal}: ${keys}`);
      }
    }
  }
});
