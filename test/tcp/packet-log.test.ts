/**
 * The bounded per-connection packet history: head, shared ring, and the latest packets of each
 * direction kept even when one side sent far more than the ring holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../src/tcp/connection.ts';
import { blocksInUse, HEAD, SIDE, TAIL } from '../../src/tcp/packet-log.ts';
import { Driver } from '../helpers/tracker-driver.ts';

test('a reset after 60 server packets: its history still shows the client’s last packets', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  let seq = 501;
  for (let i = 0; i < HEAD; i++) {
    d.send({ fromServer: true, flags: 'A', seq, ack: 101, payload: 'h'.repeat(100) }, 100);
    seq += 100;
  }
  d.send({ flags: 'PA', seq: 101, ack: seq, payload: 'GET /big HTTP/1.1\r\n\r\n' });
  const clientFrames: number[] = [d.frame];
  d.send({ flags: 'PA', seq: 122, ack: seq, payload: 'x'.repeat(5) });
  clientFrames.push(d.frame);
  for (let i = 0; i < 60; i++) {
    d.send({ fromServer: true, flags: 'A', seq, ack: 127, payload: 'd'.repeat(100) }, 100);
    seq += 100;
  }
  d.send({ fromServer: true, flags: 'RA', seq, ack: 127 });
  const r = c.resets![0];
  const packets = r.history.packets();
  const frames = packets.map((p) => p.frame);
  assert.deepEqual(
    frames,
    [...frames].sort((a, b) => a - b),
    'capture order',
  );
  assert.equal(new Set(frames).size, frames.length, 'no packet twice');
  for (const f of clientFrames) assert.ok(frames.includes(f), `client frame ${f} kept`);
  assert.equal(packets.length, HEAD + TAIL + 2, 'head, ring, and the two client packets that left the ring');
  assert.ok(r.history.hasGap, 'server packets between them were dropped');
  // Breaks where the history skipped packets: after the head (before the client's side packets)
  // and before the ring; none between the two client packets, which were consecutive.
  const ring = packets[HEAD + 2].frame;
  assert.deepEqual(
    [...r.history.framesAfterGaps()].sort((a, b) => a - b),
    [clientFrames[0], ring],
  );
  // The original send of a retransmission can be found among the kept side packets too.
  assert.notEqual(c.log.findSent(true, 122, -1), null);
});

test('the side rings keep at most SIDE packets per direction, the newest ones', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  let cseq = 101;
  for (let i = 0; i < 20; i++) {
    d.send({ flags: 'PA', seq: cseq, ack: 501, payload: 'c' });
    cseq += 1;
  }
  const lastClient = d.frame;
  let sseq = 501;
  for (let i = 0; i < 100; i++) {
    d.send({ fromServer: true, flags: 'A', seq: sseq, ack: cseq, payload: 'd'.repeat(10) }, 100);
    sseq += 10;
  }
  const packets = c.log.packets();
  const client = packets.filter((p) => p.fromClient && p.frame > HEAD).map((p) => p.frame);
  assert.deepEqual(
    client,
    Array.from({ length: SIDE }, (_, i) => lastClient - SIDE + 1 + i),
  );
  assert.equal(
    c.log.size,
    HEAD + TAIL + SIDE,
    'the server side ring stays empty: its latest are in the ring',
  );
});

/** A short connection on its own client port: handshake, request, answer, then a reset. */
function resetConnection(d: Driver, port: number, request: string): Connection {
  const c = { sport: port };
  const s = { dport: port, fromServer: true };
  d.send({ ...c, flags: 'S', seq: 100 });
  d.send({ ...s, flags: 'SA', seq: 500, ack: 101 });
  d.send({ ...c, flags: 'A', seq: 101, ack: 501 });
  d.send({ ...c, flags: 'PA', seq: 101, ack: 501, payload: request });
  d.send({ ...s, flags: 'A', seq: 501, ack: 101 + request.length });
  return d.send({ ...c, flags: 'RA', seq: 101 + request.length, ack: 501 });
}

test('packet-log blocks are recycled when connections leave the table; kept ones stay intact', () => {
  const before = blocksInUse();
  const kept: Connection[] = [];
  const d = new Driver(
    { endedLinger: 0 },
    {
      ended: (c) => {
        if (c.client.port === 41000) {
          c.detachLogs();
          kept.push(c);
        }
      },
    },
  );
  resetConnection(d, 41000, 'GET /kept HTTP/1.1\r\n\r\n');
  // Many more connections after it: their logs take the blocks the first one gave back.
  for (let i = 1; i <= 200; i++) resetConnection(d, 41000 + i, `GET /other/${i} HTTP/1.1\r\n\r\n`);
  d.tracker.finish();
  assert.equal(blocksInUse(), before, 'every block back in the pool once every connection ended');
  const [c] = kept;
  const frames = c.log.packets().map((p) => p.frame);
  assert.deepEqual(frames, [1, 2, 3, 4, 5, 6], 'the detached log still shows its own packets');
  assert.deepEqual(
    c.resets![0].history.packets().map((p) => p.frame),
    [1, 2, 3, 4, 5, 6],
  );
  const other = d.ended.find((e) => e.client.port === 41100)!;
  assert.throws(() => other.log.packets(), /left the flow table/, 'a recycled log is never read');
});
