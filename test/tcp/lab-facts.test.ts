/**
 * The tracker's facts on real Linux stack recordings (test/fixtures/lab/, made by test/lab/; each
 * scenario.json says what happened). Every assertion is a fact the tracker could get wrong: roles,
 * how a connection ended, handshake timing, per-segment retransmission times, keep-alives, zero
 * window periods, and how many connections one 4-tuple carried.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { runConnections } from '../../src/cli/connections-command.ts';
import { readPackets } from '../../src/pipeline/read-packets.ts';
import type { Connection } from '../../src/tcp/connection.ts';
import { Tracker } from '../../src/tcp/tracker.ts';
import { LAB_DIR } from '../helpers/lab.ts';
import { tsharkAvailable } from '../helpers/tshark-analysis.ts';

/** Every connection of one capture, in creation order, after the capture ended. */
async function connections(scenario: string, capture = 'client.pcap'): Promise<Connection[]> {
  const out: Connection[] = [];
  let tracker: Tracker | null = null;
  await readPackets([join(LAB_DIR, scenario, capture)], {
    onCaptureStart(c) {
      tracker = new Tracker(c, { ended: (x) => out.push(x) });
    },
    onTcp(record, view) {
      tracker!.packet(record, view);
    },
    onCaptureEnd() {
      tracker!.finish();
    },
  });
  return out.sort((a, b) => a.id - b.id);
}

const address = (c: Connection, side: 'client' | 'server') => c[side].address.slice(0, 1)[0];
const ipv4 = (text: string) => text.split('.').reduce((n, b) => n * 256 + Number(b), 0);

test('graceful: two connections ended by FIN, server first, handshake RTT measured, no retransmission', async () => {
  const cs = await connections('graceful');
  assert.equal(cs.length, 2);
  for (const c of cs) {
    assert.equal(c.roleSource, 'syn');
    assert.equal(c.server.port, 80);
    assert.equal(c.state, 'closed');
    assert.equal(c.endReason, 'fin');
    assert.ok(c.handshakeRtt > 0, `handshake RTT ${c.handshakeRtt}`);
    assert.ok(c.rttSamples > 0, 'data RTT samples');
    assert.equal(c.client.retransmissions + c.server.retransmissions, 0);
    assert.equal(c.client.rstCount + c.server.rstCount, 0);
    assert.ok(
      c.server.finTs > 0 && c.server.finTs < c.client.finTs,
      'server closed first (Connection: close)',
    );
    assert.ok(c.server.uniqueBytes > 0 && c.client.uniqueBytes > 0);
  }
  assert.notEqual(cs[0].client.port, cs[1].client.port);
});

test('refused: the SYN is answered by RST/ACK from the server, roles from the SYN', async () => {
  const [c, ...rest] = await connections('refused');
  assert.equal(rest.length, 0);
  assert.equal(c.roleSource, 'syn');
  assert.equal(address(c, 'client'), ipv4('198.18.1.2'));
  assert.equal(c.server.port, 9);
  assert.equal(c.state, 'reset');
  assert.equal(c.endReason, 'rst');
  assert.equal(c.stateBeforeReset, 'syn-sent');
  assert.equal(c.server.rstCount, 1);
  const r = c.resets![0];
  assert.equal(r.fromClient, false);
  assert.equal(r.ack, (c.client.isn + 1) >>> 0, 'RST acknowledges the SYN (ack = ISN + 1)');
  assert.equal(r.stateBefore, 'syn-sent');
});

test('retrans-timeout: one client segment sent again and again with exponential backoff, then silence', async () => {
  const [c] = await connections('retrans-timeout');
  assert.equal(c.client.port, 48438);
  const worst = c.retransmissions?.worst(true);
  assert.ok(worst, 'a retransmitted client segment');
  assert.ok(worst.sends >= 5, `sends ${worst.sends}`);
  assert.equal(worst.acked, false);
  assert.equal(c.client.maxSegmentRetransmissions, worst.sends - 1);
  assert.equal(worst.times.length, worst.sends, 'every send time kept (original included)');
  const gaps = worst.times.slice(1).map((t, i) => t - worst.times[i]);
  // RTO doubling (RFC 6298 §5.5): each of the last backoffs about twice the previous one.
  for (let i = gaps.length - 3; i < gaps.length; i++) {
    const ratio = gaps[i] / gaps[i - 1];
    assert.ok(ratio > 1.7 && ratio < 2.3, `backoff ratio ${ratio.toFixed(2)} (gaps ${gaps.join(', ')})`);
  }
  assert.ok(worst.times[worst.times.length - 1] - worst.times[0] > 3_000_000, 'gave up after ~3 s');
  // Linux sends no reset when retransmissions time out.
  assert.equal(c.client.rstCount + c.server.rstCount, 0);
  assert.equal(c.endReason, 'open');
  // The router dropped them: the server's capture has the original only.
  const [atServer] = await connections('retrans-timeout', 'server.pcap');
  assert.equal(atServer.client.retransmissions, 0);
  assert.equal(atServer.client.isn, c.client.isn);
});

test('keepalive-timeout: the client sends 3 unanswered keep-alives, then resets', async () => {
  const [c] = await connections('keepalive-timeout');
  assert.equal(c.client.keepAlives, 3);
  assert.equal(c.server.keepAlives, 0);
  assert.equal(c.client.retransmissions, 0, 'keep-alives are not retransmissions');
  assert.equal(c.client.rstCount, 1);
  assert.equal(c.resets![0].fromClient, true);
  // The router dropped the reset too: the server never saw it.
  const [atServer] = await connections('keepalive-timeout', 'server.pcap');
  assert.equal(atServer.client.rstCount, 0);
});

test('zero-window: the server window stays at zero, the client probes, then aborts', async () => {
  const [c] = await connections('zero-window');
  assert.equal(c.server.zeroWindows, 1);
  assert.ok(c.server.zeroWindowSince > 0, 'the zero-window period never ended');
  assert.ok(c.lastTs - c.server.zeroWindowSince > 3_000_000, 'zero window for more than 3 s');
  // Linux's persist-timer probes are 0-byte segments at snd_una − 1 (tcp_xmit_probe_skb): the
  // keep-alive shape, as Wireshark also labels them.
  assert.ok(c.client.keepAlives + c.client.zeroWindowProbes >= 3, `probes ${c.client.keepAlives}`);
  assert.equal(c.resets![0].fromClient, true);
  assert.equal(c.resets![0].receiverWindow, 0, 'the receiver advertised zero when the reset came');
});

test('port-reuse: one 4-tuple carries four connections, each with its own ISN and ending', async () => {
  const cs = (await connections('port-reuse')).filter((c) => c.client.port === 40000 && c.server.port === 80);
  assert.equal(cs.length, 4);
  assert.deepEqual(
    cs.map((c) => c.endReason),
    ['fin', 'fin', 'rst', 'fin'],
  );
  assert.equal(new Set(cs.map((c) => c.client.isn)).size, 4);
  for (const c of cs) assert.equal(c.roleSource, 'syn');
  for (let i = 1; i < cs.length; i++) assert.ok(cs[i].startTs >= cs[i - 1].lastTs, 'sequential');
});

test('time-wait-reuse: closed connection, a reset attempt with an old ISN, then a new connection', async () => {
  const cs = (await connections('time-wait-reuse')).filter((c) => c.client.port === 40001);
  assert.deepEqual(
    cs.map((c) => c.endReason),
    ['fin', 'rst', 'fin'],
  );
  const attempt = cs[1];
  assert.equal(attempt.client.isn, 2679000399);
  assert.equal(attempt.stateBeforeReset, 'syn-sent', 'the SYN got an ACK, not a SYN-ACK');
  assert.ok(attempt.client.isn < cs[0].client.nextSeq, 'ISN below the old sequence space');
  assert.equal(attempt.resets![0].fromClient, true);
});

test('nat-reset: the same connection seen on both sides of the NAT, reset by the server', async () => {
  const [inside] = await connections('nat-reset');
  const [outside] = await connections('nat-reset', 'server.pcap');
  assert.equal(address(inside, 'client'), ipv4('198.18.1.2'));
  assert.equal(address(outside, 'client'), ipv4('198.18.2.1'));
  for (const c of [inside, outside]) {
    assert.equal(c.client.port, 39212);
    assert.equal(c.server.rstCount, 1);
    assert.equal(c.resets![0].fromClient, false);
  }
  assert.equal(inside.client.isn, outside.client.isn, 'source NAT keeps sequence numbers');
  assert.equal(inside.resets![0].seq, outside.resets![0].seq);
});

test('busy: connection count equals tshark tcp.stream count at every vantage point', {
  skip: !tsharkAvailable() && 'tshark not installed',
}, async () => {
  for (const capture of ['client.pcap', 'server.pcap', 'router.pcap']) {
    const cs = await connections('busy', capture);
    const out = execFileSync(
      'tshark',
      ['-n', '-r', join(LAB_DIR, 'busy', capture), '-T', 'fields', '-e', 'tcp.stream'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const streams = new Set(out.split('\n').filter((l) => l !== ''));
    assert.equal(cs.length, streams.size, capture);
  }
  const cs = await connections('busy');
  assert.ok(cs.length >= 300, `${cs.length} connections`);
  assert.equal(
    cs.filter((c) => c.server.port === 9 && c.stateBeforeReset === 'syn-sent').length,
    20,
    'refused',
  );
});

test('silent-drop: one connection of six SYNs with the same ISN and doubling backoff, no answer, no reset', async () => {
  const unanswered: Connection[] = [];
  const cs: Connection[] = [];
  let tracker: Tracker | null = null;
  await readPackets([join(LAB_DIR, 'silent-drop', 'client.pcap')], {
    onCaptureStart(capture) {
      tracker = new Tracker(capture, { ended: (c) => cs.push(c), synUnanswered: (c) => unanswered.push(c) });
    },
    onTcp(record, view) {
      tracker!.packet(record, view);
    },
    onCaptureEnd() {
      tracker!.finish();
    },
  });
  assert.equal(cs.length, 1);
  const [c] = cs;
  assert.equal(address(c, 'client'), ipv4('198.18.1.2'));
  assert.equal(c.client.port, 33099);
  assert.equal(c.server.port, 8080);
  assert.equal(c.roleSource, 'syn');
  assert.equal(c.state, 'syn-sent');
  assert.equal(c.endReason, 'unanswered');
  assert.deepEqual(unanswered, [c], 'the tracker announced the handshake it gave up on');
  assert.equal(c.client.synCount, 6);
  assert.equal(c.server.packets, 0);
  assert.equal(c.client.rstCount + c.server.rstCount, 0);
  assert.equal(c.client.retransmissions, 5);
  const worst = c.retransmissions!.worst(true)!;
  assert.equal(worst.seq, c.client.isn);
  assert.equal(worst.sends, 6);
  assert.equal(worst.originalKnown, true);
  assert.equal(c.client.maxSegmentRetransmissions, 5);
  // Every send time kept; in this recording the kernel resent the SYN about every 1.02 s.
  assert.equal(worst.times.length, 6);
  const gaps = worst.times.slice(1).map((t, i) => (t - worst.times[i]) / 1e6);
  for (const g of gaps)
    assert.ok(g > 0.95 && g < 1.1, `SYN gaps ${gaps.map((x) => x.toFixed(3)).join(', ')}`);
  // The SYNs never crossed the router: the server's capture has no TCP at all.
  assert.equal((await connections('silent-drop', 'server.pcap')).length, 0);
});

test('the lab facts hold through the `connections` command path too (rows = tracker connections)', async () => {
  for (const scenario of [
    'graceful',
    'refused',
    'silent-drop',
    'port-reuse',
    'retrans-timeout',
    'path-loss',
  ]) {
    const bare = await connections(scenario);
    const { rows } = await runConnections([join(LAB_DIR, scenario, 'client.pcap')]);
    assert.deepEqual(
      rows.map((r) => [r.id, r.endReason, r.clientPackets, r.serverPackets, r.retransmissions, r.resets]),
      bare.map((c) => [
        c.id,
        c.endReason,
        c.client.packets,
        c.server.packets,
        c.client.retransmissions + c.server.retransmissions,
        c.client.rstCount + c.server.rstCount,
      ]),
      scenario,
    );
  }
});
