/**
 * The bounded per-connection packet history: head, shared ring, and the latest packets of each
 * direction kept even when one side sent far more than the ring holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEAD, SIDE, TAIL } from '../../src/tcp/packet-log.ts';
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
