/**
 * Connection counts: the rows `rstscope connections` prints per corpus capture against tshark's
 * tcp.stream count (MANIFEST.tsv column tcp_streams, extracted with tshark 4.0). Equal everywhere
 * except the named captures below, where tshark groups packets into streams by 4-tuple alone
 * while the tracker splits on a new ISN and ages connections out in capture time. Timestamps that
 * step back (arkime_synthetic.pcap goes back years five times) do not split connections: eviction
 * runs on a monotonic clock.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { runConnections } from '../../src/cli/connections-command.ts';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.ts';

/** capture → [our count, tshark's count, why they differ]. */
const DIFFERENT: Record<string, [number, number, string]> = {
  'zeek/llc.pcap': [
    1333,
    1,
    'one bare RST a minute for 24 h on one 4-tuple: each reset ends its connection, which leaves the ' +
      'table after the 30 s linger, so the next reset opens a new one; tshark never ages streams out',
  ],
  'suricata-verify/tests/transform-base64-7296/input.pcap': [
    8,
    6,
    'carved capture whose timestamps jump forwards by months (2021 → 2023 → 2024) and back: each ' +
      'jump ages every other connection out (idle beyond 3 h of capture time) and the replayed frames ' +
      'that follow start new partial connections; tshark never ages streams out',
  ],
  'ndpi/tests/cfgs/default/pcap/rtsp.pcap': [
    8,
    7,
    'client port 52478 is refused (SYN, RST) and reused 0.5 s later with a new ISN: a new connection ' +
      '(as for Zeek), one stream for tshark 4.0',
  ],
  'ndpi/tests/cfgs/default/pcap/fuzz-2006-09-29-28586.pcap': [
    36,
    38,
    'fuzzed headers: the decoders disagree on which corrupted packets are TCP and on their ports',
  ],
};

test('`rstscope connections` rows per capture equal tshark tcp.stream counts across the corpus', {
  skip: !corpusAvailable() && 'corpus absent',
}, async () => {
  const mismatches: string[] = [];
  let compared = 0;
  for (const e of corpusEntries()) {
    if (!(e.tcpPackets > 0) || !existsSync(e.path)) continue;
    // The command's own path (tracker + Zeek add-on + row ordering), default mode.
    const { rows } = await runConnections([e.path]);
    const ours = rows.length;
    compared++;
    const expected = DIFFERENT[e.localPath];
    if (expected !== undefined) {
      assert.deepEqual([ours, e.tcpStreams], expected.slice(0, 2), `${e.localPath}: ${expected[2]}`);
    } else if (ours !== e.tcpStreams) {
      mismatches.push(`${e.localPath}: ours ${ours}, tshark ${e.tcpStreams}`);
    }
    // Every connection is one row, in order of its first packet (tshark numbers streams so).
    const ids = rows.map((r) => r.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      `${e.localPath}: rows in first-packet order`,
    );
    assert.equal(new Set(ids).size, ids.length, `${e.localPath}: one row per connection`);
  }
  assert.ok(compared >= 200, `captures compared: ${compared}`);
  assert.deepEqual(mismatches, []);
});
