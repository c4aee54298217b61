/** findingFilter (src/cli/finding-filter.ts): explain's --host, --port, --cause, --since/--until. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingFilter, parseTime } from '../../src/cli/finding-filter.ts';
import { UsageError } from '../../src/cli/packet-filter.ts';
import type { Finding } from '../../src/explain/finding.ts';

function finding(id: number, client: string, server: string, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    kind: 'reset',
    cause: 'app-abort',
    severity: 'benign',
    confidence: 0.5,
    packets: [],
    connection: { client, server },
    time: 1_714_557_600 + id, // 2024-05-01T10:00:00Z + id s
    evidence: [],
    alternatives: [],
    summary: '',
    nextStep: '',
    ...extra,
  };
}

const ALL = [
  finding(1, '10.0.0.1:50000', '10.0.0.9:445'),
  finding(2, '[2001:db8::1]:50001', '[2001:db8::9]:443', { cause: 'refused' }),
  // Patterns name bare hosts; the last group of an IPv6 host is not a port.
  finding(3, '2001:db8::1', '*', { kind: 'pattern', cause: 'reset-storm' }),
  finding(4, '10.0.0.1', '10.0.0.9', { kind: 'pattern', cause: 'scan' }),
];
const ids = (options: Parameters<typeof findingFilter>[0]) =>
  ALL.filter(findingFilter(options)).map((f) => f.id);

describe('findingFilter', () => {
  it('selects by host in any spelling of the address, with or without brackets', () => {
    assert.deepEqual(ids({ host: ['10.0.0.1'] }), [1, 4]);
    assert.deepEqual(ids({ host: ['2001:DB8:0::1'] }), [2, 3]);
    assert.deepEqual(ids({ host: ['[2001:db8::9]'] }), [2]);
    assert.deepEqual(ids({ host: ['10.0.0.9', '2001:db8::9'] }), [1, 2, 4]);
  });

  it('selects by port, never taking an IPv6 group or a bare host for one', () => {
    assert.deepEqual(ids({ port: [445] }), [1]);
    assert.deepEqual(ids({ port: [443] }), [2]);
    assert.deepEqual(ids({ port: [1] }), [], '2001:db8::1 has no port 1');
    assert.deepEqual(ids({ port: [9] }), []);
  });

  it('selects by cause and time, and combines the options', () => {
    assert.deepEqual(ids({ cause: ['refused', 'scan'] }), [2, 4]);
    assert.deepEqual(ids({ since: '2024-05-01T10:00:02Z' }), [2, 3, 4]);
    assert.deepEqual(ids({ until: '2024-05-01 10:00:02' }), [1, 2]);
    assert.deepEqual(ids({ since: '1714557602', until: '1714557603.5', host: ['2001:db8::1'] }), [2, 3]);
  });

  it('rejects what is not an address, a cause or a time, with a usage error', () => {
    assert.throws(() => findingFilter({ host: ['example.com'] }), UsageError);
    assert.throws(() => findingFilter({ cause: ['connection-reset'] }), /unknown cause connection-reset/);
    assert.throws(() => parseTime('yesterday', '--since'), /--since: not a time: yesterday/);
    assert.equal(parseTime('2024-05-01T12:00:00+02:00', '--since'), 1_714_557_600);
  });
});
