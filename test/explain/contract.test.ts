import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { explainCorpus, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** The output contract (README "Output contract"): what each kind of finding carries. */

const TRACEBACK_KEYS = [
  'trigger',
  'triggerMatch',
  'lastClientData',
  'lastServerData',
  'lastRequest',
  'response',
  'idleBefore',
  'silenceBefore',
  'outstanding',
  'retransmission',
  'connectionState',
];
const ENDPOINT = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\]):\d+$/;

function check(findings: Finding[]): void {
  for (const f of findings) {
    if (f.kind === 'pattern') {
      assert.equal(f.traceback, undefined);
      assert.deepEqual(f.packets, []);
      assert.ok((f.related?.length ?? 0) > 0);
      continue;
    }
    assert.ok(f.traceback !== undefined, `${f.kind} #${f.id} ${f.cause} has a trace-back`);
    assert.deepEqual(Object.keys(f.traceback).sort(), [...TRACEBACK_KEYS].sort());
    assert.match(f.connection.client, ENDPOINT);
    assert.match(f.connection.server, ENDPOINT);
    assert.ok(f.packets.length > 0);
  }
}

test('failures carry a trace-back like resets do (lab silent-drop, retrans-timeout, listen-overflow)', async () => {
  for (const s of ['silent-drop', 'retrans-timeout', 'listen-overflow']) {
    const { findings } = await runExplain([`test/fixtures/lab/${s}/client.pcap`]);
    assert.ok(
      findings.some((f) => f.kind === 'failure'),
      s,
    );
    check(findings);
  }
});

test('reset, failure and pattern findings of a real capture keep the contract', { skip }, async () => {
  check(await explainCorpus('arkime/tests/pcap/wireshark-smb-on-windows10.pcap'));
});
