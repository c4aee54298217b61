import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkType } from '../../src/capture/link-types.ts';
import { TcpFlag } from '../../src/decode/packet-view.ts';
import { PROBLEM_TCP_BEYOND_IP, PROBLEM_TCP_DATA_OFFSET } from '../../src/decode/tcp.ts';
import { ipv4Packet, tcpFrame } from '../helpers/frames.ts';
import { decode, decodeBytes } from './decode-helper.ts';

const SPEC = { src: '10.0.0.1', dst: '10.0.0.2' };

test('ports, sequence and acknowledgement numbers are unsigned 32-bit', () => {
  const view = decode(
    tcpFrame({ ...SPEC, sport: 65535, dport: 1, seq: 0xffffffff, ack: 0x80000000, flags: 'A' }),
  );
  assert.equal(view.sport, 65535);
  assert.equal(view.dport, 1);
  assert.equal(view.seq, 4294967295);
  assert.equal(view.ack, 2147483648);
});

test('each of the 9 flags, AE included, from its letter', () => {
  const letters: [string, number][] = [
    ['F', TcpFlag.FIN],
    ['S', TcpFlag.SYN],
    ['R', TcpFlag.RST],
    ['P', TcpFlag.PSH],
    ['A', TcpFlag.ACK],
    ['U', TcpFlag.URG],
    ['E', TcpFlag.ECE],
    ['C', TcpFlag.CWR],
    ['N', TcpFlag.AE],
  ];
  for (const [letter, bit] of letters) {
    assert.equal(decode(tcpFrame({ ...SPEC, flags: letter })).flags, bit, letter);
  }
  assert.equal(decode(tcpFrame({ ...SPEC, flags: 'FSRPAUECN' })).flags, 0x1ff);
});

test('reserved bits are kept apart from the flags (rst-inject-rae style)', () => {
  const view = decode(tcpFrame({ ...SPEC, flags: 'RAN', reservedBits: 0b101 }));
  assert.equal(view.reservedBits, 0b101);
  assert.equal(view.flags, TcpFlag.RST | TcpFlag.ACK | TcpFlag.AE);
});

test('window, urgent pointer, checksum, header length and payload', () => {
  const view = decode(tcpFrame({ ...SPEC, flags: 'UPA', window: 0, urgentPointer: 7, payload: 'urgent!' }));
  assert.equal(view.status, 'tcp');
  assert.equal(view.window, 0);
  assert.equal(view.urgentPointer, 7);
  assert.notEqual(view.checksum, 0);
  assert.equal(view.tcpHeaderLength, 20);
  assert.equal(view.tcpOffset, 34);
  assert.equal(view.payloadOffset, 54);
  assert.equal(view.payloadLength, 7);
  assert.equal(view.payloadCaptured, 7);
});

test('payload bytes are where payloadOffset says', () => {
  const frame = tcpFrame({ ...SPEC, flags: 'PA', payload: 'GET / HTTP/1.1\r\n', options: { ts: [5, 6] } });
  const view = decode(frame);
  const text = new TextDecoder().decode(
    frame.bytes.subarray(view.payloadOffset, view.payloadOffset + view.payloadCaptured),
  );
  assert.equal(text, 'GET / HTTP/1.1\r\n');
});

test('data offset below 5 is malformed, fixed fields still filled', () => {
  const frame = tcpFrame({ ...SPEC, sport: 999, flags: 'R' });
  frame.bytes[14 + 20 + 12] = 0x40;
  const view = decode(frame);
  assert.equal(view.status, 'malformed');
  assert.equal(view.problem, PROBLEM_TCP_DATA_OFFSET);
  assert.equal(view.sport, 999);
});

test('TCP header longer than the IP payload is malformed', () => {
  const segment = tcpFrame({ ...SPEC, flags: 'R', options: { mss: 1460 } }).bytes.subarray(34);
  // IP total length covers only 20 of the 24 header bytes.
  const ip = ipv4Packet({ src: SPEC.src, dst: SPEC.dst, protocol: 6, payload: segment, totalLength: 40 });
  const view = decodeBytes(ip, LinkType.RAW);
  assert.equal(view.status, 'malformed');
  assert.equal(view.problem, PROBLEM_TCP_BEYOND_IP);
});

test('RST carrying data (RFC 9293 §3.5.3 diagnostic text) has its payload length', () => {
  const view = decode(tcpFrame({ ...SPEC, flags: 'RA', payload: 'connection refused' }));
  assert.equal(view.flags & TcpFlag.RST, TcpFlag.RST);
  assert.equal(view.payloadLength, 18);
});
