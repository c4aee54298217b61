import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding, Severity } from '../../src/explain/finding.ts';
import { explainText } from '../../src/report/explain-text.ts';
import { explainCorpus, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** The terminal overview counts each cause by severity, not under its worst severity alone. */

function finding(id: number, cause: Finding['cause'], severity: Severity): Finding {
  return {
    id,
    kind: 'reset',
    cause,
    severity,
    confidence: 0.7,
    origin: 'client',
    packets: [{ capture: 0, frame: id }],
    connection: { client: '10.0.0.1:1000', server: '10.0.0.2:80' },
    time: 1_700_000_000,
    evidence: [],
    alternatives: [],
    summary: 's',
    nextStep: 'n',
  };
}

const capture = {
  index: 0,
  path: 'x.pcap',
  format: 'pcap',
  compression: 'none',
  packets: 10,
  tcpPackets: 10,
  connections: 1,
  firstTs: 1_700_000_000,
  lastTs: 1_700_000_001,
  problems: [],
} as unknown as Parameters<typeof explainText>[0][number];

test('a cause with mixed severities shows each count', () => {
  const findings = [
    finding(1, 'rst-after-fin', 'security'),
    ...Array.from({ length: 9 }, (_, i) => finding(i + 2, 'rst-after-fin', 'benign')),
  ];
  const line = explainText([capture], findings, false).find((l) => l.trimStart().startsWith('rst-after-fin'));
  assert.ok(line !== undefined);
  assert.match(line, /\b10\s+security 1, benign 9$/);
});

test('every cause line of a real capture adds up', { skip }, async () => {
  const findings = await explainCorpus('ndpi/tests/cfgs/default/pcap/ethereum.pcap');
  const lines = explainText([capture], findings, false);
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.cause, (counts.get(f.cause) ?? 0) + 1);
  for (const [cause, n] of counts) {
    const line = lines.find((l) => l.trimStart().startsWith(`${cause} `));
    assert.ok(line !== undefined, cause);
    const parts = [...line.matchAll(/(security|problem|expected-failure|benign)(?: (\d+))?/g)];
    const sum = parts.reduce((t, m) => t + (m[2] !== undefined ? Number(m[2]) : n), 0);
    assert.equal(sum, n, line);
  }
});
