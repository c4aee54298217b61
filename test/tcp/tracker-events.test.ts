/**
 * What the tracker announces besides opened/established/reset/ended: a handshake given up on
 * (SYN unanswered) and retransmission episodes (one segment sent again and again), once each.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../src/tcp/connection.ts';
import type { SegmentSends } from '../../src/tcp/retransmission-log.ts';
import { Driver, SECOND } from '../helpers/tracker-driver.ts';

function recording() {
  const events: string[] = [];
  const episodes: { c: Connection; seq: number; sends: number; times: number[]; acked: boolean }[] = [];
  const listener = {
    synUnanswered: (c: Connection) => events.push(`syn-unanswered ${c.id}`),
    retransmission: (c: Connection, s: SegmentSends) => {
      events.push(`retransmission ${c.id} ${s.seq}×${s.sends}`);
      episodes.push({ c, seq: s.seq, sends: s.sends, times: [...s.times], acked: s.acked });
    },
    ended: (c: Connection) => events.push(`ended ${c.id} ${c.endReason}`),
  };
  return { events, episodes, listener };
}

test('SYN unanswered: when the handshake timeout gives up, and when the capture ends, just before ended', () => {
  const { events, listener } = recording();
  const d = new Driver({ handshakeTimeout: 10 * SECOND }, listener);
  const a = d.send({ flags: 'S', seq: 1 });
  d.send({ flags: 'S', seq: 1 }, SECOND);
  d.send({ flags: 'S', seq: 1 }, 2 * SECOND);
  const answered = d.send({ flags: 'S', seq: 7, sport: 41000 });
  d.send({ fromServer: true, flags: 'SA', seq: 9, ack: 8, dport: 41000 });
  const b = d.send({ flags: 'S', seq: 5, sport: 41001 }, 11 * SECOND);
  assert.equal(a.client.synCount, 3);
  d.tracker.finish();
  assert.deepEqual(events, [
    `retransmission ${a.id} 1×3`,
    `syn-unanswered ${a.id}`,
    `ended ${a.id} unanswered`,
    `ended ${answered.id} timeout`, // SYN-ACK never acknowledged: not unanswered, timed out
    `syn-unanswered ${b.id}`,
    `ended ${b.id} unanswered`,
  ]);
});

test('retransmission episode: announced once when the segment is acknowledged, with every send', () => {
  const { events, episodes, listener } = recording();
  const d = new Driver({}, listener);
  const c = d.handshake(100, 500);
  const times: number[] = [];
  for (const dt of [1000, 200_000, 400_000, 800_000]) {
    d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'x'.repeat(10) }, dt);
    times.push(d.t);
  }
  assert.deepEqual(events, [], 'not before the episode is over');
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 111 });
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 111 });
  d.send({ flags: 'PA', seq: 111, ack: 501, payload: 'y' });
  d.tracker.finish();
  assert.deepEqual(
    episodes.map((e) => [e.c, e.seq, e.sends, e.times, e.acked]),
    [[c, 101, 4, times, true]],
  );
  assert.equal(events.length, 2, 'the episode, then ended');
});

test('retransmission episodes left unacknowledged are announced when the connection ends; a new episode after an ACK', () => {
  const { episodes, listener } = recording();
  const d = new Driver({}, listener);
  d.handshake(100, 500);
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) });
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) }, SECOND);
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 111 });
  // Spurious: sent again although acknowledged; over at once.
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) }, SECOND);
  d.send({ flags: 'PA', seq: 111, ack: 501, payload: 'b'.repeat(10) });
  d.send({ flags: 'PA', seq: 111, ack: 501, payload: 'b'.repeat(10) }, SECOND);
  d.send({ flags: 'R', seq: 121 });
  assert.deepEqual(
    episodes.map((e) => [e.seq, e.sends, e.acked]),
    [
      [101, 2, true],
      [101, 3, true],
    ],
  );
  d.tracker.finish();
  assert.deepEqual(
    episodes.map((e) => [e.seq, e.sends, e.acked]),
    [
      [101, 2, true],
      [101, 3, true],
      [111, 2, false],
    ],
  );
});

test('without a listener for them, no episode bookkeeping is announced (and nothing breaks)', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) });
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) }, SECOND);
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 111 });
  d.tracker.finish();
  assert.equal(c.retransmissions!.segments[0].reported, false);
  assert.equal(c.retransmissions!.finishedPending, 1);
});
