/**
 * ZeekConnection on hand-built packets: each case states what Zeek writes for it (letters, case,
 * repetition, conn_state) and why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketView, TcpFlag } from '../../src/decode/packet-view.ts';
import { ZeekConnection } from '../../src/tcp/zeek/index.ts';

const { SYN, ACK, FIN, RST, PSH } = TcpFlag;
const C_ISN = 1000;
const S_ISN = 5000;
const SEC = 1_000_000;

const view = new PacketView();

/** Client 10.0.0.1:40000 → server 10.0.0.2:80 unless `fromServer`. */
function pkt(
  fromServer: boolean,
  flags: number,
  seq: number,
  ack: number,
  len = 0,
  window = 1000,
): PacketView {
  view.clear();
  view.status = 'tcp';
  view.ipVersion = 4;
  view.src[0] = fromServer ? 0x0a000002 : 0x0a000001;
  view.dst[0] = fromServer ? 0x0a000001 : 0x0a000002;
  view.sport = fromServer ? 80 : 40000;
  view.dport = fromServer ? 40000 : 80;
  view.flags = flags;
  view.seq = seq >>> 0;
  view.ack = ack >>> 0;
  view.payloadLength = len;
  view.payloadCaptured = len;
  view.window = window;
  return view;
}

/** Feed packets in order; `client` is the first sender. */
function run(conn: ZeekConnection, steps: [boolean, number, number, number, number?][], t0 = 0): number {
  let t = t0;
  for (const [fromServer, flags, seq, ack, len] of steps) {
    t += 1000;
    conn.packet(!fromServer, pkt(fromServer, flags, seq, ack, len ?? 0), t, null);
  }
  return t;
}

const handshake: [boolean, number, number, number, number?][] = [
  [false, SYN, C_ISN, 0],
  [true, SYN | ACK, S_ISN, C_ISN + 1],
  [false, ACK, C_ISN + 1, S_ISN + 1],
];

test('complete connection: ShADadFf, SF, payload sizes from sequence numbers', () => {
  const c = new ZeekConnection();
  run(c, [
    ...handshake,
    [false, ACK | PSH, C_ISN + 1, S_ISN + 1, 100],
    [true, ACK, S_ISN + 1, C_ISN + 101], // a pure ACK is 'a'; data with an ACK is only 'd'
    [true, ACK | PSH, S_ISN + 1, C_ISN + 101, 300],
    [false, ACK, C_ISN + 101, S_ISN + 301],
    [false, FIN | ACK, C_ISN + 101, S_ISN + 301],
    [true, FIN | ACK, S_ISN + 301, C_ISN + 102],
    [false, ACK, C_ISN + 102, S_ISN + 302],
  ]);
  assert.equal(c.history(), 'ShADadFf');
  assert.equal(c.connState(), 'SF');
  assert.equal(c.origBytes, 100);
  assert.equal(c.respBytes, 300);
  assert.equal(c.originatorIsFirstSender, true);
});

test('refused SYN: Sr and REJ; an unanswered SYN: S and S0', () => {
  const rej = new ZeekConnection();
  run(rej, [
    [false, SYN, C_ISN, 0],
    [true, RST | ACK, 0, C_ISN + 1],
  ]);
  assert.equal(rej.history(), 'Sr');
  assert.equal(rej.connState(), 'REJ');

  const s0 = new ZeekConnection();
  run(s0, [[false, SYN, C_ISN, 0]]);
  assert.equal(s0.history(), 'S');
  assert.equal(s0.connState(), 'S0');
});

test('originator RST after SYN is RSTOS0 only without handshake letters, else OTH', () => {
  const a = new ZeekConnection();
  run(a, [
    [false, SYN, C_ISN, 0],
    [false, RST, C_ISN + 1, 0],
  ]);
  assert.equal(a.history(), 'SR');
  assert.equal(a.connState(), 'RSTOS0');

  const b = new ZeekConnection();
  run(b, [
    [false, SYN, C_ISN, 0],
    [true, ACK, S_ISN, C_ISN + 1],
    [false, FIN | ACK, C_ISN + 1, S_ISN],
    [false, RST, C_ISN + 2, 0],
  ]);
  assert.equal(b.history(), 'SaFR');
  assert.equal(b.connState(), 'OTH');
});

test('RST letters repeat only for a new sequence number; RST from responder gives RSTR', () => {
  const c = new ZeekConnection();
  run(c, [
    ...handshake,
    [true, RST, S_ISN + 1, 0],
    [true, RST, S_ISN + 1, 0], // same number: no new letter
    [true, RST, S_ISN + 50, 0], // new number: letter again
  ]);
  assert.equal(c.history(), 'ShArr');
  assert.equal(c.connState(), 'RSTR');
});

test('retransmissions are written at the 1st and 10th occurrence (scaled letters)', () => {
  const steps: [boolean, number, number, number, number?][] = [
    ...handshake,
    [false, ACK, C_ISN + 1, S_ISN + 1, 50],
  ];
  const c9 = new ZeekConnection();
  const c10 = new ZeekConnection();
  for (let i = 0; i < 9; i++) steps.push([false, ACK, C_ISN + 1, S_ISN + 1, 50]);
  run(c9, steps);
  steps.push([false, ACK, C_ISN + 1, S_ISN + 1, 50]);
  run(c10, steps);
  assert.equal(c9.history(), 'ShADT');
  assert.equal(c10.history(), 'ShADTT');
});

test('zero window from the responder is w; bad checksum is c and the packet is dropped', () => {
  const c = new ZeekConnection();
  c.packet(true, pkt(false, SYN, C_ISN, 0), 1, null);
  c.packet(false, pkt(true, SYN | ACK, S_ISN, C_ISN + 1), 2, false); // dropped: responder stays inactive
  assert.equal(c.history(), 'Sc');
  assert.equal(c.connState(), 'S0');
  c.packet(false, pkt(true, SYN | ACK, S_ISN, C_ISN + 1, 0, 0), 3, true);
  // h before w: the history letter is written before the window is looked at (Process order).
  assert.equal(c.history(), 'Schw');
  assert.equal(c.connState(), 'S1');
});

test('SYN+FIN is Q, FIN+RST is I', () => {
  const c = new ZeekConnection();
  run(c, [
    [false, SYN | FIN, C_ISN, 0],
    [true, FIN | RST | ACK, S_ISN, C_ISN + 1],
  ]);
  assert.equal(c.history(), 'Qi');
});

test('data acknowledged but never seen is a content gap (G) once established', () => {
  const c = new ZeekConnection();
  run(c, [
    ...handshake,
    [false, ACK, C_ISN + 1, S_ISN + 1, 100],
    // bytes 101..200 never captured; the server acknowledges them
    [true, ACK, S_ISN + 1, C_ISN + 201],
  ]);
  assert.equal(c.history(), 'ShADaG');
});

test('a connection first seen as a SYN-ACK is flipped when an ACK follows (^ then restated letters)', () => {
  const c = new ZeekConnection();
  c.packet(true, pkt(true, SYN | ACK, S_ISN, C_ISN + 1), 1, null); // server's SYN-ACK first
  assert.equal(c.history(), 'H');
  c.packet(false, pkt(false, ACK, C_ISN + 1, S_ISN + 1), 2, null);
  assert.equal(c.history(), '^hA');
  assert.equal(c.originatorIsFirstSender, false);
  c.packet(false, pkt(false, FIN | ACK, C_ISN + 1, S_ISN + 1), 3, null);
  c.packet(true, pkt(true, FIN | ACK, S_ISN + 1, C_ISN + 2), 4, null);
  assert.equal(c.history(), '^hAFf');
  assert.equal(c.connState(), 'SF');
});

test('first packet not a SYN from a likely server port: flipped at creation', () => {
  const c = new ZeekConnection({ likelyServerPorts: new Set([80]) });
  c.packet(true, pkt(true, FIN | ACK, S_ISN, C_ISN), 1, null);
  c.packet(false, pkt(false, ACK, C_ISN, S_ISN + 1), 2, null);
  assert.equal(c.history(), '^fA');
  assert.equal(c.connState(), 'SHR');
  const d = new ZeekConnection(); // without the port in the set: the sender stays originator
  d.packet(true, pkt(true, FIN | ACK, S_ISN, C_ISN), 1, null);
  assert.equal(d.history(), 'F');
});

test('isReuse: only a SYN with a new ISN, or any SYN once the connection closed', () => {
  const c = new ZeekConnection();
  run(c, handshake);
  assert.equal(ZeekConnection.isReuse(c, true, pkt(false, SYN, C_ISN, 0)), false); // retransmitted SYN
  assert.equal(ZeekConnection.isReuse(c, true, pkt(false, SYN, C_ISN + 7777, 0)), true); // new ISN
  assert.equal(ZeekConnection.isReuse(c, true, pkt(false, ACK, C_ISN + 1, S_ISN + 1)), false);

  const rej = new ZeekConnection();
  run(rej, [
    [false, SYN, C_ISN, 0],
    [true, RST | ACK, 0, C_ISN + 1],
  ]);
  assert.equal(ZeekConnection.isReuse(rej, true, pkt(false, SYN, C_ISN, 0)), true); // closed: new conn
});

test('timers: an unanswered SYN ends after 5 s; a closed connection 5 s after its last packet', () => {
  const s0 = new ZeekConnection();
  s0.packet(true, pkt(false, SYN, C_ISN, 0), 10 * SEC, null);
  assert.equal(s0.expiredBy(14 * SEC), false);
  assert.equal(s0.expiredBy(15 * SEC + 1), true);

  const sf = new ZeekConnection();
  const end = run(
    sf,
    [...handshake, [false, FIN | ACK, C_ISN + 1, S_ISN + 1], [true, FIN | ACK, S_ISN + 1, C_ISN + 2]],
    20 * SEC,
  );
  assert.equal(sf.expiredBy(end + 4 * SEC), false);
  assert.equal(sf.expiredBy(end + 5 * SEC), true);

  const idle = new ZeekConnection(); // established: tcp_inactivity_timeout (5 min)
  const last = run(idle, handshake, 0);
  assert.equal(idle.expiredBy(last + 299 * SEC), false);
  assert.equal(idle.expiredBy(last + 300 * SEC), true);
});
