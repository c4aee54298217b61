/**
 * The tracker in capture time: a connection idle for the default keep-alive time stays one
 * connection, idleness is measured on a monotonic clock (timestamps that step back do not evict a
 * connection that just saw a packet), and durations and idle gaps are never negative.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_IDLE_TIMEOUT } from '../../src/tcp/tracker.ts';
import { Driver, SECOND } from '../helpers/tracker-driver.ts';

test('a connection idle for the Linux keep-alive time (7200 s) then probed 9 times and reset stays one connection', () => {
  const d = new Driver();
  const c = d.handshake(1000, 5000);
  d.send({ flags: 'PA', seq: 1001, ack: 5001, payload: 'Q'.repeat(10) });
  d.send({ fromServer: true, flags: 'PA', seq: 5001, ack: 1011, payload: 'R'.repeat(10) });
  d.send({ flags: 'A', seq: 1011, ack: 5011 });
  // tcp_keepalive_time 7200 s, then tcp_keepalive_probes 9 every tcp_keepalive_intvl 75 s.
  d.send({ flags: 'A', seq: 1010, ack: 5011 }, 7200.02 * SECOND);
  for (let i = 1; i < 9; i++) d.send({ flags: 'A', seq: 1010, ack: 5011 }, 75 * SECOND);
  const last = d.send({ flags: 'RA', seq: 1011, ack: 5011 }, 75 * SECOND);
  assert.equal(last, c, 'the probes and the reset belong to the first connection');
  assert.equal(d.tracker.connectionsCreated, 1);
  assert.equal(c.client.keepAlives, 9);
  assert.equal(c.roleSource, 'syn');
  assert.equal(c.resets![0].stateBefore, 'established');
  assert.ok(c.longestIdle >= 7200 * SECOND);
  // The default exceeds Linux's whole schedule (7200 + 9 × 75 s) with margin.
  assert.ok(DEFAULT_IDLE_TIMEOUT > (7200 + 9 * 75) * SECOND * 1.2);
});

test('beyond the idle timeout a silent connection is let go, and its next packet opens a new one', () => {
  const d = new Driver();
  const c = d.handshake(1000, 5000);
  const next = d.send({ flags: 'A', seq: 1001, ack: 5001 }, DEFAULT_IDLE_TIMEOUT + SECOND);
  assert.notEqual(next, c);
  assert.equal(c.endReason, 'timeout');
  assert.equal(next.roleSource, 'port');
});

test('timestamps stepping back years: a complete exchange is still one connection, nothing evicted early', () => {
  const d = new Driver();
  const late = 1_778_361_745 * SECOND; // 2026
  const early = 1_700_011_000 * SECOND; // 2023
  // A connection in 2026 moves the tracker's clock far ahead…
  d.at(late, { flags: 'S', seq: 1, sport: 41000 });
  // …then frames stamped three years earlier: handshake, data, FIN exchange, 50 ms apart.
  const steps: [number, Parameters<Driver['at']>[1]][] = [
    [0, { flags: 'S', seq: 100 }],
    [50_000, { fromServer: true, flags: 'SA', seq: 900, ack: 101 }],
    [100_000, { flags: 'A', seq: 101, ack: 901 }],
    [150_000, { flags: 'PA', seq: 101, ack: 901, payload: 'GET / HTTP/1.1\r\n\r\n' }],
    [200_000, { fromServer: true, flags: 'PA', seq: 901, ack: 119, payload: 'HTTP/1.1 200 OK\r\n\r\n' }],
    [250_000, { flags: 'FA', seq: 119, ack: 920 }],
    [300_000, { fromServer: true, flags: 'FA', seq: 920, ack: 120 }],
    [350_000, { flags: 'A', seq: 120, ack: 921 }],
  ];
  const cs = steps.map(([dt, spec]) => d.at(early + dt, spec));
  assert.ok(
    cs.every((c) => c === cs[0]),
    'every frame in one connection',
  );
  const c = cs[0];
  assert.equal(d.tracker.connectionsCreated, 2);
  assert.equal(c.state, 'closed');
  assert.equal(c.roleSource, 'syn');
  assert.equal(c.handshakeRtt, 100_000);
  assert.equal(c.duration, 350_000);
  assert.equal(c.longestIdle, 50_000);
  assert.equal(d.ended.length, 0, 'no connection evicted by the old timestamps');
  d.tracker.finish();
  assert.equal(c.endReason, 'fin');
});

test('a packet older than its connection start gives no negative duration, idle gap or reset idle time', () => {
  const d = new Driver();
  const t0 = d.t;
  const c = d.handshake(1000, 5000);
  d.at(t0 - 10 * SECOND, { flags: 'PA', seq: 1001, ack: 5001, payload: 'x' });
  d.at(t0 - 20 * SECOND, { fromServer: true, flags: 'R', seq: 5001 });
  assert.ok(c.duration >= 0, `duration ${c.duration}`);
  assert.equal(c.duration, c.maxTs - c.startTs);
  assert.ok(c.longestIdle >= 0 && c.longestIdle < SECOND, `longest idle ${c.longestIdle}`);
  assert.equal(c.resets![0].idleBefore, 0);
  assert.equal(c.lastTs, t0 - 20 * SECOND, 'the real timestamp is kept for reporting');
});

test('eviction runs on the monotonic clock: an old-stamped ended connection lingers its full time', () => {
  const d = new Driver({ endedLinger: 5 * SECOND });
  const t = d.t;
  d.at(t, { flags: 'S', seq: 1, sport: 41000 }); // the clock is at t
  const old = d.at(t - 3600 * SECOND, { flags: 'R', seq: 1, sport: 41001 }); // ended, stamped an hour earlier
  d.at(t + 4 * SECOND, { flags: 'S', seq: 1, sport: 41002 });
  assert.deepEqual(d.ended, [], 'within the linger: it arrived 4 s ago on the monotonic clock');
  d.at(t + 6 * SECOND, { flags: 'S', seq: 1, sport: 41002 });
  assert.deepEqual(d.ended, [old]);
  assert.equal(old.endReason, 'rst');
});
