/**
 * Counts that feed cause rules and the connections table: sends of one segment (the Windows
 * "5 retransmissions then reset" rule needs the exact number) and unique bytes per direction.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Driver, SECOND } from '../helpers/tracker-driver.ts';

const u32 = (n: number) => n >>> 0;

/** The server sends `n` 1000-byte segments from seq 5001 after a client request; returns next seq. */
function bulk(d: Driver, n: number): number {
  let seq = 5001;
  for (let i = 0; i < n; i++) {
    d.send({ fromServer: true, flags: 'A', seq, ack: 1019, payload: 'd'.repeat(1000) }, 100);
    seq += 1000;
    if (i % 2 === 1) d.send({ flags: 'A', seq: 1019, ack: 6001 }, 100); // acks stuck at the first segment
  }
  return seq;
}

test('a segment whose original send left the packet history: every retransmission and the original counted', () => {
  const d = new Driver();
  const c = d.handshake(1000, 5000);
  d.send({ flags: 'PA', seq: 1001, ack: 5001, payload: 'GET / HTTP/1.1\r\n\r\n' });
  const next = bulk(d, 60); // 90 packets: the send of seq 25001 is long out of the 40-slot history
  const times: number[] = [];
  for (const backoff of [0.3, 0.6, 1.2, 2.4, 4.8]) {
    d.send(
      { fromServer: true, flags: 'A', seq: 25001, ack: 1019, payload: 'd'.repeat(1000) },
      backoff * SECOND,
    );
    times.push(d.t);
  }
  d.send({ fromServer: true, flags: 'RA', seq: next, ack: 1019 }, 10 * SECOND);
  assert.equal(c.server.retransmissions, 5);
  assert.equal(c.server.maxSegmentRetransmissions, 5, 'five retransmissions of one segment');
  const s = c.retransmissions!.worst(false)!;
  assert.equal(s.seq, 25001);
  assert.equal(s.sends, 6, 'the original was sent too, although it is no longer in the history');
  assert.equal(s.originalKnown, false);
  assert.deepEqual(s.times, times, 'the times seen: the five retransmissions');
});

test("a retransmitted last segment: the original's time comes from the endpoint even out of the history", () => {
  const d = new Driver();
  const c = d.handshake(1000, 5000);
  d.send({ flags: 'PA', seq: 1001, ack: 5001, payload: 'GET / HTTP/1.1\r\n\r\n' });
  const next = bulk(d, 45);
  const original = d.t;
  const lastSeq = next - 1000;
  for (let i = 0; i < 3; i++) d.send({ flags: 'A', seq: 1019, ack: 6001 }, 100); // push it out of the ring
  d.send({ fromServer: true, flags: 'A', seq: lastSeq, ack: 1019, payload: 'd'.repeat(1000) }, SECOND);
  const s = c.retransmissions!.worst(false)!;
  assert.equal(s.seq, lastSeq);
  assert.equal(s.sends, 2);
  assert.equal(s.originalKnown, true);
  assert.equal(s.times[0], original);
  assert.equal(c.server.maxSegmentRetransmissions, 1);
});

test('unique bytes count data that fills holes (out of order or retransmitted after a loss) once', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  const seg = (seq: number, dt = 1000) =>
    d.send({ fromServer: true, flags: 'A', seq, ack: 101, payload: 'x'.repeat(100) }, dt);
  seg(501);
  seg(701); // 601–700 skipped by the capture: a hole
  seg(801);
  seg(1001); // 901–1000 skipped
  assert.equal(c.server.uniqueBytes, 400);
  assert.equal(c.server.gaps, 2);
  seg(601, 50); // the first hole, filled out of order
  assert.equal(c.server.uniqueBytes, 500);
  seg(901, 200_000); // the second, filled by a retransmission
  assert.equal(c.server.uniqueBytes, 600);
  seg(901, 200_000); // the same again: nothing new
  seg(501, 200_000);
  assert.equal(c.server.uniqueBytes, 600);
  assert.equal(c.server.retransmissions, 3);
  // A segment straddling the end of the stream counts only its new part.
  d.send({ fromServer: true, flags: 'A', seq: 1051, ack: 101, payload: 'x'.repeat(100) });
  assert.equal(c.server.uniqueBytes, 650);
  assert.equal(c.server.uniqueBytes, c.server.nextSeq - 501, 'every byte of the sequence space, once');
});

test('hole bookkeeping: a fill in the middle of a hole leaves both sides open, wrap-around included', () => {
  const d = new Driver();
  const isn = 0xffffff00;
  const c = d.handshake(100, isn);
  const first = u32(isn + 1);
  const seg = (off: number, len: number) =>
    d.send({ fromServer: true, flags: 'A', seq: u32(first + off), ack: 101, payload: 'y'.repeat(len) }, 100);
  seg(0, 100);
  seg(1000, 100); // hole [100, 1000) crossing 2^32
  seg(500, 100); // middle of the hole
  seg(100, 400); // left part
  seg(600, 400); // right part
  assert.equal(c.server.uniqueBytes, 1100);
  assert.equal(c.server.holes!.size, 0);
});
