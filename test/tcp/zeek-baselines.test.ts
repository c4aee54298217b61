/**
 * Zeek's own word on conn_state and history: every baseline of corpus/zeek that has those columns
 * is replayed through ZeekConnection and compared connection by connection.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CORPUS,
  describe,
  likelyServerPortsFor,
  matchesBaseline,
  pairConnections,
  readBaseline,
  readBaselineIndex,
  readEndpointBaseline,
  replayTrace,
} from '../helpers/zeek-baselines.ts';

/**
 * Differences we accept, keyed by capture and baseline connection (orig > resp as the baseline
 * names it, `?` where it does not). Keep this short and say why.
 */
const ALLOWED: Record<string, string> = {
  'zeek/http/deeply-nested-mime.pcap|?:? > ?:?':
    "history 'X' is written by Zeek's scripts when an application analyzer (here MIME nesting " +
    'depth in HTTP) hits a limit; rstscope does no application analysis',
  'zeek/tunnels/Teredo.pcap|2001:0:4137:9e50:8000:f12a:b9c8:2815:1286 > 2001:4860:0:2001::68:80':
    'TCP inside Teredo on UDP port 32900: Zeek finds that tunnel by protocol detection, the ' +
    'decoder only recognises Teredo on port 3544, so this connection is never seen',
};

test('Zeek conn.log baselines: conn_state and history identical', async () => {
  let compared = 0;
  let identical = 0;
  const unexpected: string[] = [];
  const allowedSeen = new Set<string>();
  for (const row of readBaselineIndex()) {
    const baseline = readBaseline(row);
    if (baseline === null) continue;
    const actual = await replayTrace(join(CORPUS, row.capture), {
      ignoreChecksums: baseline.ignoreChecksums,
      likelyServerPorts: likelyServerPortsFor(baseline),
    });
    const paired = pairConnections(baseline, actual);
    baseline.conns.forEach((e, i) => {
      compared++;
      const a = paired[i];
      if (matchesBaseline(e, a)) {
        identical++;
        return;
      }
      const key = `${row.capture}|${describe(e)}`;
      if (key in ALLOWED) {
        allowedSeen.add(key);
        return;
      }
      const got =
        a === undefined
          ? 'no such connection'
          : `${describe(a)} ${a.history} ${a.connState} ${a.origBytes}/${a.respBytes}`;
      unexpected.push(
        `${key}: expected ${e.history} ${e.connState} ${e.origBytes}/${e.respBytes}, got ${got}`,
      );
    });
  }
  assert.deepEqual(unexpected, []);
  // Every allow-list entry must still be needed, so the list cannot silently go stale.
  assert.deepEqual([...allowedSeen].sort(), Object.keys(ALLOWED).sort());
  assert.equal(compared - identical, Object.keys(ALLOWED).length);
  assert.ok(compared >= 1400, `compared ${compared}`);
});

test('Zeek endpoint records (core.tcp btests): state and size of both endpoints', async () => {
  let checked = 0;
  for (const row of readBaselineIndex()) {
    const expected = readEndpointBaseline(row);
    if (expected === null) continue;
    const actual = await replayTrace(join(CORPUS, row.capture), {
      ignoreChecksums: / -[A-Za-z]*C/.test(row.execLines),
      likelyServerPorts: new Set(),
    });
    assert.equal(actual.length, 1, row.capture);
    const [c] = actual;
    assert.deepEqual(
      [
        { size: c.origBytes, state: c.origState },
        { size: c.respBytes, state: c.respState },
      ],
      expected,
      row.capture,
    );
    checked++;
  }
  assert.equal(checked, 2);
});
