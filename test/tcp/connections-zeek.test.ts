/**
 * The `connections` command itself (flow tracker + Zeek add-on, not a test-local replay) against
 * Zeek's published conn.log baselines: conn_state and history per connection.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runConnections } from '../../src/cli/connections-command.ts';
import { corpusAvailable } from '../helpers/corpus.ts';
import type { ActualConn } from '../helpers/zeek-baselines.ts';
import {
  CORPUS,
  describe,
  likelyServerPortsFor,
  matchesBaseline,
  pairConnections,
  readBaseline,
  readBaselineIndex,
} from '../helpers/zeek-baselines.ts';

/** "10.0.0.1:80" or "[2001:db8::1]:80" → address and port. */
function splitEndpoint(label: string): [string, number] {
  const colon = label.lastIndexOf(':');
  const host = label.slice(0, colon);
  return [host.startsWith('[') ? host.slice(1, -1) : host, Number(label.slice(colon + 1))];
}

/** Differences we accept (same reasons as test/tcp/zeek-baselines.test.ts). */
const ALLOWED = new Set([
  'zeek/http/deeply-nested-mime.pcap|?:? > ?:?', // 'X' comes from Zeek's application analyzers
  'zeek/tunnels/Teredo.pcap|2001:0:4137:9e50:8000:f12a:b9c8:2815:1286 > 2001:4860:0:2001::68:80', // Teredo on a non-standard port
]);

test('rstscope connections: conn_state and history as in Zeek conn.log baselines', {
  skip: !corpusAvailable() && 'corpus not present',
}, async () => {
  let compared = 0;
  let identical = 0;
  const wrong: string[] = [];
  for (const row of readBaselineIndex()) {
    const baseline = readBaseline(row);
    if (baseline === null) continue;
    const { rows } = await runConnections([join(CORPUS, row.capture)], {
      zeek: {
        likelyServerPorts: likelyServerPortsFor(baseline),
        verifyChecksums: !baseline.ignoreChecksums,
        sessions: true,
      },
    });
    const actual: ActualConn[] = rows.map(({ client: clientLabel, server: serverLabel, zeek }) => {
      const [client, clientPort] = splitEndpoint(clientLabel);
      const [server, serverPort] = splitEndpoint(serverLabel);
      const flip = zeek?.originatorIsServer === true;
      return {
        origH: flip ? server : client,
        origP: flip ? serverPort : clientPort,
        respH: flip ? client : server,
        respP: flip ? clientPort : serverPort,
        history: zeek?.history ?? '',
        connState: zeek?.connState ?? '',
        origBytes: zeek?.origBytes ?? -1,
        respBytes: zeek?.respBytes ?? -1,
        origState: -1,
        respState: -1,
      };
    });
    const paired = pairConnections(baseline, actual);
    baseline.conns.forEach((e, i) => {
      compared++;
      const a = paired[i];
      if (matchesBaseline(e, a)) identical++;
      else if (!ALLOWED.has(`${row.capture}|${describe(e)}`)) {
        wrong.push(
          `${row.capture} ${describe(e)}: expected ${e.connState} ${e.history}, got ${a?.connState} ${a?.history}`,
        );
      }
    });
  }
  assert.ok(compared > 1000, `compared ${compared}`);
  assert.deepEqual(
    wrong.slice(0, 20),
    [],
    `${wrong.length} connections differ from Zeek (${identical}/${compared} identical)`,
  );
  assert.equal(identical, compared - ALLOWED.size, 'only the named differences');
});
