/**
 * Unit tests of the connection tracker on synthetic frames (test/helpers/frames.ts), driven one
 * packet at a time with explicit capture times: sequence wrap-around, captures that start
 * mid-connection, port reuse, per-segment retransmission counts, out-of-order, duplicate ACKs and
 * eviction in capture time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../src/tcp/connection.ts';
import { Mark } from '../../src/tcp/marks.ts';
import type { TcpFrameSpec } from '../helpers/frames.ts';
import { Driver, SECOND } from '../helpers/tracker-driver.ts';

const u32 = (n: number) => n >>> 0;

test('sequence wrap-around: a connection crossing 2^32 keeps counting new data, no false retransmission', () => {
  const d = new Driver();
  const isn = 0xffffff00;
  const c = d.handshake(isn, 1000);
  let seq = u32(isn + 1);
  for (let i = 0; i < 6; i++) {
    d.send({ flags: 'PA', seq, ack: 1001, payload: 'x'.repeat(100) });
    seq = u32(seq + 100);
    d.send({ fromServer: true, flags: 'A', seq: 1001, ack: seq });
  }
  assert.ok(seq < isn, 'crossed 2^32');
  assert.equal(c.client.uniqueBytes, 600);
  assert.equal(c.client.retransmissions, 0);
  assert.equal(c.client.gaps, 0);
  assert.equal(c.client.nextSeq, seq);
  // Resending the segment just before the wrap is a retransmission, not new data.
  const again = d.send({ flags: 'PA', seq: u32(isn + 201), ack: 1001, payload: 'x'.repeat(100) }, SECOND);
  assert.equal(again.client.retransmissions, 1);
  assert.ok((again.marks & Mark.RETRANSMISSION) !== 0);
  assert.equal(c.client.uniqueBytes, 600);
});

test('capture starting mid-connection: roles inferred from the ports', () => {
  const d = new Driver();
  const c = d.send({ fromServer: true, flags: 'PA', seq: 5000, ack: 7000, payload: 'HTTP/1.1 200 OK\r\n' });
  assert.equal(c.roleSource, 'port');
  assert.equal(c.state, 'partial');
  assert.equal(c.server.port, 80);
  assert.equal(c.client.port, 40000);
  assert.equal(c.server.isn, -1);
  d.send({ flags: 'A', seq: 7000, ack: 5017 });
  assert.equal(c.client.packets, 1);
  assert.equal(c.server.packets, 1);
  assert.equal(d.tracker.connectionsCreated, 1);
});

test('SYN-ACK seen first: its receiver is the client', () => {
  const d = new Driver();
  const c = d.send({ fromServer: true, flags: 'SA', seq: 9000, ack: 101 });
  assert.equal(c.roleSource, 'syn-ack');
  assert.equal(c.state, 'syn-received');
  assert.equal(c.server.port, 80);
  assert.equal(c.server.isn, 9000);
  d.send({ flags: 'A', seq: 101, ack: 9001 });
  assert.equal(c.state, 'established');
  // The original SYN arriving late (its ISN acknowledged by the SYN-ACK) is not a new connection.
  const late = d.send({ flags: 'S', seq: 100 });
  assert.equal(late, c);
});

test('port reuse: a new ISN after RST, and after FIN, starts a new connection; a repeated SYN does not', () => {
  const d = new Driver();
  const first = d.handshake(1000, 5000);
  d.send({ flags: 'S', seq: 1000 }, 10); // SYN retransmitted: same ISN
  assert.equal(d.tracker.connectionsCreated, 1);
  assert.equal(first.client.synCount, 2);
  d.send({ flags: 'RA', seq: 1001, ack: 5001 });
  assert.equal(first.state, 'reset');
  const second = d.handshake(2000, 6000);
  assert.notEqual(second, first);
  assert.equal(first.endReason, 'rst');
  assert.equal(second.client.isn, 2000);
  d.send({ flags: 'FA', seq: 2001, ack: 6001 });
  d.send({ fromServer: true, flags: 'FA', seq: 6001, ack: 2002 });
  d.send({ flags: 'A', seq: 2002, ack: 6002 });
  assert.equal(second.state, 'closed');
  const third = d.handshake(3000, 7000);
  assert.notEqual(third, second);
  assert.equal(second.endReason, 'fin');
  assert.equal(d.tracker.connectionsCreated, 3);
  assert.deepEqual(
    d.ended.map((c) => c.id),
    [first.id, second.id],
  );
});

test('retransmissions are counted per segment, with every send time', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'GET / HTTP/1.1\r\n\r\n' });
  const times = [d.t];
  for (const backoff of [200_000, 400_000, 800_000]) {
    d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'GET / HTTP/1.1\r\n\r\n' }, backoff);
    times.push(d.t);
  }
  assert.equal(c.client.retransmissions, 3);
  assert.equal(c.client.maxSegmentRetransmissions, 3);
  const s = c.retransmissions!.worst(true)!;
  assert.equal(s.sends, 4);
  assert.deepEqual(s.times, times);
  assert.equal(s.acked, false);
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 119 });
  assert.equal(s.acked, true);
  assert.equal(c.client.uniqueBytes, 18, 'retransmitted bytes are not new data');
});

test('out-of-order: a segment that overtook within the RTT is not a retransmission', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  d.send({ flags: 'PA', seq: 111, ack: 501, payload: 'b'.repeat(10) }, 50);
  assert.ok((c.marks & Mark.LOST_SEGMENT) !== 0, 'gap: previous segment not captured');
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) }, 50);
  assert.ok((c.marks & Mark.OUT_OF_ORDER) !== 0);
  assert.equal(c.client.outOfOrder, 1);
  assert.equal(c.client.retransmissions, 0);
});

test('duplicate ACKs: same ACK and window, no data; then a fast retransmission; a new window is an update', () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) });
  d.send({ flags: 'PA', seq: 111, ack: 501, payload: 'b'.repeat(10) });
  // The server's SYN-ACK already acknowledged 101 with this window: each ACK of 101 repeats it.
  for (let i = 0; i < 3; i++) {
    d.send({ fromServer: true, flags: 'A', seq: 501, ack: 101 });
    assert.ok((c.marks & Mark.DUPLICATE_ACK) !== 0, `dup ack ${i + 1}`);
  }
  assert.equal(c.server.duplicateAcks, 3);
  assert.equal(c.server.dupAckRun, 3);
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'a'.repeat(10) }, 5000);
  assert.ok((c.marks & Mark.FAST_RETRANSMISSION) !== 0 && (c.marks & Mark.RETRANSMISSION) !== 0);
  assert.equal(c.client.fastRetransmissions, 1);
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 121 });
  assert.equal(c.server.dupAckRun, 0, 'the ACK moved');
  d.send({ fromServer: true, flags: 'A', seq: 501, ack: 121, window: 2000 });
  assert.ok((c.marks & Mark.WINDOW_UPDATE) !== 0);
  assert.equal(c.server.windowUpdates, 1);
  assert.equal(c.server.duplicateAcks, 3);
});

test('eviction in capture time: ended connections after the linger, idle ones after the idle timeout', () => {
  const d = new Driver({ endedLinger: 5 * SECOND, idleTimeout: 60 * SECOND });
  const reset = d.handshake(100, 500);
  d.send({ flags: 'R', seq: 101 });
  assert.equal(d.tracker.liveConnections, 1, 'stays for late packets');
  // Another connection's packets move the clock.
  const d2 = (port: number, dt: number) =>
    d.send({ flags: 'A', seq: 1, ack: 1, sport: port, dport: 443 } as Partial<TcpFrameSpec>, dt);
  const idle = d2(50000, 1000);
  d2(50001, 4 * SECOND);
  assert.equal(reset.endReason, 'open', 'not yet: within the linger');
  assert.equal(d.ended.length, 0);
  d2(50001, 2 * SECOND);
  assert.deepEqual(
    d.ended.map((c) => c.id),
    [reset.id],
  );
  assert.equal(reset.endReason, 'rst');
  for (let i = 0; i < 7; i++) d2(50001, 10 * SECOND);
  assert.ok(d.ended.includes(idle), 'idle beyond the idle timeout');
  assert.equal(idle.endReason, 'timeout');
  assert.equal(d.tracker.liveConnections, 1);
});

test('maxConnections: the least recently active connection is evicted beyond the bound', () => {
  const d = new Driver({ maxConnections: 3 });
  const cs: Connection[] = [];
  for (let i = 0; i < 5; i++)
    cs.push(d.send({ flags: 'S', seq: 1, sport: 41000 + i } as Partial<TcpFrameSpec>));
  assert.equal(d.tracker.liveConnections, 3);
  assert.deepEqual(
    d.ended.map((c) => c.id),
    [cs[0].id, cs[1].id],
  );
  assert.equal(cs[0].endReason, 'timeout');
});

test('finish(): every live connection ends with how it stood', () => {
  const d = new Driver();
  const open = d.handshake(100, 500);
  const syn = d.send({ flags: 'S', seq: 1, sport: 41000 } as Partial<TcpFrameSpec>);
  d.tracker.finish();
  assert.equal(d.tracker.liveConnections, 0);
  assert.equal(open.endReason, 'open');
  assert.equal(syn.endReason, 'unanswered');
  assert.equal(d.ended.length, 2);
});

test('inferred roles say what decided: the ports (well-known, registered service, lower port) or the first packet', () => {
  const d = new Driver();
  const first = (sport: number, dport: number, src = '10.0.0.9', dst = '10.0.0.8') =>
    d.send({
      src,
      dst,
      sport,
      dport,
      flags: 'PA',
      seq: 1,
      ack: 1,
      payload: 'x'.repeat(10),
    } as Partial<TcpFrameSpec>);
  // The first packet comes FROM the service port: the port decides, not the first packet.
  const mysql = first(3306, 50000);
  assert.equal(mysql.roleSource, 'port');
  assert.equal(mysql.server.port, 3306);
  assert.equal(mysql.client.port, 50000);
  const lower = first(40000, 60000);
  assert.equal(lower.roleSource, 'port');
  assert.equal(lower.server.port, 40000, 'the lower port is the server');
  const web = first(51000, 443);
  assert.equal(web.roleSource, 'port');
  assert.equal(web.server.port, 443);
  // Equal ports say nothing: the first packet's destination is taken as the server.
  const same = first(7000, 7000);
  assert.equal(same.roleSource, 'first-packet');
  assert.equal(same.server.port, 7000);
  assert.equal(same.server.w0, 0x0a000008, 'the destination 10.0.0.8');
});

test('window scale: none offered in complete SYNs means unscaled; SYN options cut by the snaplen leave it unknown', () => {
  const run = (snap: number | undefined) => {
    const d = new Driver();
    // Ethernet 14 + IPv4 20 + TCP 20 = 54: the options (MSS 4 bytes, then window scale) start there.
    d.send({ flags: 'S', seq: 100, options: { mss: 1460, wscale: 7 }, snap });
    d.send({ fromServer: true, flags: 'SA', seq: 500, ack: 101, options: { mss: 1460 } });
    d.send({ flags: 'A', seq: 101, ack: 501 });
    return d.send({ fromServer: true, flags: 'R', seq: 501 });
  };
  // The server offered no scale, so the connection is unscaled (RFC 7323 2.2): known, 0.
  assert.equal(run(undefined).resets?.[0].receiverWindowScale, 0);
  // The client's SYN kept only its MSS: whether it offered a scale is unknown.
  const cut = run(58);
  assert.equal(cut.client.synOptionsCut, true);
  assert.equal(cut.resets?.[0].receiverWindowScale, -1);
});

test("messages: a side's data after the other side's FIN starts a new message (an FTP 221 after the client closed)", () => {
  const d = new Driver();
  const c = d.handshake(100, 500);
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'RETR x\r\n' });
  d.send({ fromServer: true, flags: 'PA', seq: 501, ack: 109, payload: '550 x: No such file\r\n' });
  d.send({ flags: 'FA', seq: 109, ack: 522 });
  d.send({ fromServer: true, flags: 'A', seq: 522, ack: 110 });
  d.send({ fromServer: true, flags: 'PA', seq: 522, ack: 110, payload: '221 Goodbye.\r\n' });
  const server = (c.messages?.messages ?? []).filter((m) => !m.fromClient);
  assert.deepEqual(
    server.map((m) => Buffer.from(m.bytes).toString('latin1').slice(0, 3)),
    ['550', '221'],
  );
  // Without a FIN between them, two server segments are one message.
  const e = new Driver();
  const c2 = e.handshake(100, 500);
  e.send({ flags: 'PA', seq: 101, ack: 501, payload: 'RETR x\r\n' });
  e.send({ fromServer: true, flags: 'PA', seq: 501, ack: 109, payload: '150 Opening\r\n' });
  e.send({ fromServer: true, flags: 'PA', seq: 514, ack: 109, payload: '226 Done\r\n' });
  assert.equal((c2.messages?.messages ?? []).filter((m) => !m.fromClient).length, 1);
});
