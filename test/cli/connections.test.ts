/**
 * `rstscope connections` as a user runs it (the CLI in a child process): the rows, their Zeek and
 * rstscope columns, the text table, --zeek-sessions, several captures. Real-stack recordings
 * (test/fixtures/lab), corpus captures, and small synthetic captures written here.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { RowOrder } from '../../src/cli/connections-command.ts';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.ts';
import type { TcpFrameSpec } from '../helpers/frames.ts';
import { tcpFrame } from '../helpers/frames.ts';
import { LAB_DIR } from '../helpers/lab.ts';
import { tsharkAvailable } from '../helpers/tshark-analysis.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const lab = (scenario: string, capture = 'client.pcap') => join(LAB_DIR, scenario, capture);
const corpus = (local: string) => corpusEntries().find((e) => e.localPath === local)?.path ?? '';

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, 'connections', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

type Row = Record<string, unknown>;
const json = (args: string[]): Row[] =>
  cli([...args, '--json'])
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);

/** The text table: header cells and rows split on runs of 2+ spaces (cells never hold them). */
function table(args: string[]): { header: string[]; rows: Record<string, string>[] } {
  const lines = cli(args).trimEnd().split('\n');
  const split = (l: string) => l.trim().split(/ {2,}/);
  const header = split(lines[0]);
  const rows = lines.slice(1).map((l) => {
    const cells = split(l);
    assert.equal(cells.length, header.length, `one cell per column: ${l}`);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
  return { header, rows };
}

const dir = mkdtempSync(join(tmpdir(), 'rstscope-connections-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes frames (absolute times in seconds) to a pcap in the temp dir. */
function pcap(name: string, frames: [number, Partial<TcpFrameSpec>][]): string {
  const w = new PcapWriter({ linkType: 1 });
  for (const [t, spec] of frames) {
    w.writePacket(
      Math.round(t * 1e6),
      tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', window: 1000, ...spec }).bytes,
    );
  }
  const path = join(dir, name);
  writeFileSync(path, w.toBuffer());
  return path;
}

test('port reuse: four connections on one 4-tuple, each with its Zeek columns and its ending', () => {
  const rows = json([lab('port-reuse')]);
  assert.deepEqual(
    rows.map((r) => [r.client, r.server, r.roles, r.conn_state, r.history, r.end, r.resets]),
    [
      ['198.18.1.2:40000', '198.18.2.2:80', 'syn', 'SF', 'ShADadfF', 'fin', 0],
      ['198.18.1.2:40000', '198.18.2.2:80', 'syn', 'SF', 'ShADadfF', 'fin', 0],
      ['198.18.1.2:40000', '198.18.2.2:80', 'syn', 'RSTO', 'ShADadR', 'rst', 1],
      ['198.18.1.2:40000', '198.18.2.2:80', 'syn', 'SF', 'ShADadfF', 'fin', 0],
    ],
  );
  assert.deepEqual(
    rows.map((r) => r.id),
    [1, 2, 3, 4],
  );
  for (const r of rows) {
    assert.equal(r.service, 'http');
    assert.equal(r.zeek_originator, 'client');
    assert.equal(r.retransmissions, 0);
    assert.ok(typeof r.handshake_rtt === 'number' && r.handshake_rtt > 0 && r.handshake_rtt < 0.01);
    assert.equal(r.client_bytes, r.orig_bytes, 'unique bytes agree with Zeek on a clean connection');
    assert.equal(r.server_bytes, r.resp_bytes);
    assert.ok((r.start as number) > 1.7e9 && (r.duration as number) >= 0);
  }
});

test('silent drop: one connection of six SYNs (as tshark: 1 stream); --zeek-sessions: the two Zeek has', () => {
  const [row, ...more] = json([lab('silent-drop')]);
  assert.equal(more.length, 0);
  assert.deepEqual(
    [row.conn_state, row.history, row.end, row.client_pkts, row.server_pkts, row.retransmissions],
    ['S0', 'S', 'unanswered', 6, 0, 5],
  );
  assert.equal(row.max_segment_retransmissions, 5, 'the SYN was sent 6 times');
  assert.equal(row.handshake_rtt, null);
  assert.ok((row.duration as number) > 5 && (row.duration as number) < 5.5);
  // Zeek ends the attempt after tcp_attempt_delay (5 s); the last SYN opens a new conn.log entry.
  const sessions = json([lab('silent-drop'), '--zeek-sessions']);
  assert.deepEqual(
    sessions.map((r) => [
      r.id,
      r.zeek_session,
      r.conn_state,
      r.history,
      r.end,
      r.client_pkts,
      r.retransmissions,
      r.max_segment_retransmissions,
    ]),
    [
      [1, 1, 'S0', 'S', 'unanswered', 5, 4, 4],
      [1, 2, 'S0', 'S', 'unanswered', 1, 1, 1],
    ],
  );
});

test('path loss: bytes per direction count what filled the holes (equal to Zeek resp_bytes and tshark)', {
  skip: !tsharkAvailable() && 'tshark not installed',
}, () => {
  const [row] = json([lab('path-loss')]);
  const lengths = execFileSync(
    'tshark',
    ['-n', '-r', lab('path-loss'), '-Y', 'tcp.srcport == 80', '-T', 'fields', '-e', 'tcp.len'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const sum = lengths
    .split('\n')
    .filter((l) => l !== '')
    .reduce((n, l) => n + Number(l), 0);
  assert.equal(row.server_bytes, row.resp_bytes);
  assert.equal(row.server_bytes, 120062);
  // tshark's sum also counts the retransmitted copies: our unique bytes never exceed it.
  assert.ok(sum >= 120062, `sum of tcp.len ${sum}`);
  assert.equal(row.retransmissions, 4);
  assert.ok((row.max_segment_retransmissions as number) >= 1, 'a retransmission proves an original send');
});

test('long session (corpus): one row with the real 908 s idle; Zeek sessions cut by its inactivity timer', {
  skip: !corpusAvailable() && 'corpus absent',
}, () => {
  const path = corpus('arkime/tests/pcap/long-session.pcap');
  const [row, ...more] = json([path]);
  assert.equal(more.length, 0);
  assert.deepEqual([row.roles, row.conn_state, row.history, row.end], ['syn', 'RSTR', 'ShADr', 'rst']);
  assert.ok((row.longest_idle as number) > 900, `longest idle ${row.longest_idle}`);
  const sessions = json([path, '--zeek-sessions']);
  assert.deepEqual(
    sessions.map((r) => [r.zeek_session, r.roles, r.conn_state, r.history, r.end]),
    [
      [1, 'syn', 'S1', 'ShA', 'timeout'],
      [2, 'syn', 'RSTRH', 'Dr', 'rst'],
    ],
  );
  assert.equal(sessions[1].handshake_rtt, null, 'the handshake belongs to the first session');
});

test('SYN-ACK after Zeek gave up on the SYN (corpus TLPW1): retransmissions and handshake RTT as tshark', {
  skip: !corpusAvailable() && 'corpus absent',
}, () => {
  const path = corpus(
    'suricata-verify/tests/tcp-rst-unacked-stream-10/TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap',
  );
  const [row, ...more] = json([path]);
  assert.equal(more.length, 0);
  // tshark 4.0: frames 2 (the SYN again) and 51 are retransmissions; tcp.analysis.initial_rtt 3.972301.
  assert.equal(row.retransmissions, 2);
  assert.equal(row.handshake_rtt, 3.972301);
  const sessions = json([path, '--zeek-sessions']);
  assert.deepEqual(
    sessions.map((r) => [r.conn_state, r.end, r.retransmissions, r.handshake_rtt]),
    [
      ['S0', 'unanswered', 1, null],
      ['RSTO', 'rst', 1, 3.972301],
    ],
  );
});

test('a refused SYN retried with the same ISN (corpus pop3): one connection, the retries counted', {
  skip: !corpusAvailable() && 'corpus absent',
}, () => {
  const path = corpus('zeek/pop3/pop3.pcap');
  const rows = json([path]).filter((r) => r.client === '192.168.0.4:26242');
  assert.deepEqual(
    rows.map((r) => [r.conn_state, r.history, r.end, r.client_pkts, r.retransmissions]),
    [['REJ', 'Sr', 'rst', 3, 2]],
  );
  const sessions = json([path, '--zeek-sessions']).filter((r) => r.client === '192.168.0.4:26242');
  assert.deepEqual(
    sessions.map((r) => [r.conn_state, r.end, r.retransmissions]),
    [
      ['REJ', 'rst', 0],
      ['REJ', 'rst', 1],
      ['REJ', 'rst', 1],
    ],
  );
});

test('text table: every column, inferred roles marked, Zeek originator, SSH by payload, max1', () => {
  const t0 = 1_700_000_000;
  const path = pcap('mixed.pcap', [
    // A MySQL server seen first (capture started mid-connection): Zeek flips, roles by port.
    [
      t0,
      {
        src: '10.0.0.9',
        dst: '10.0.0.8',
        sport: 3306,
        dport: 50000,
        flags: 'PA',
        seq: 1,
        ack: 1,
        payload: 'x'.repeat(10),
      },
    ],
    [t0 + 0.01, { src: '10.0.0.8', dst: '10.0.0.9', sport: 50000, dport: 3306, flags: 'A', seq: 1, ack: 11 }],
    // SSH on a non-standard port, recognised by the server's banner.
    [t0 + 1, { sport: 45000, dport: 2222, flags: 'S', seq: 100 }],
    [
      t0 + 1.001,
      { src: '10.0.0.2', dst: '10.0.0.1', sport: 2222, dport: 45000, flags: 'SA', seq: 900, ack: 101 },
    ],
    [t0 + 1.002, { sport: 45000, dport: 2222, flags: 'A', seq: 101, ack: 901 }],
    [
      t0 + 1.01,
      {
        src: '10.0.0.2',
        dst: '10.0.0.1',
        sport: 2222,
        dport: 45000,
        flags: 'PA',
        seq: 901,
        ack: 101,
        payload: 'SSH-2.0-OpenSSH_9.6\r\n',
      },
    ],
    // The client retransmits one request 3 times.
    [t0 + 2, { sport: 45001, dport: 8000, flags: 'S', seq: 500 }],
    [
      t0 + 2.001,
      { src: '10.0.0.2', dst: '10.0.0.1', sport: 8000, dport: 45001, flags: 'SA', seq: 7000, ack: 501 },
    ],
    [t0 + 2.002, { sport: 45001, dport: 8000, flags: 'A', seq: 501, ack: 7001 }],
    ...[0, 0.2, 0.6, 1.4].map((dt): [number, Partial<TcpFrameSpec>] => [
      t0 + 2.01 + dt,
      { sport: 45001, dport: 8000, flags: 'PA', seq: 501, ack: 7001, payload: 'GET / HTTP/1.1\r\n\r\n' },
    ]),
  ]);
  const { header, rows } = table([path]);
  assert.deepEqual(header, [
    'start',
    'duration',
    'client',
    'server',
    'service',
    'orig',
    'state',
    'history',
    'end',
    'c→s pkts/bytes',
    's→c pkts/bytes',
    'rexmit',
    'max1',
    'hs-rtt',
    'idle-max',
  ]);
  assert.equal(rows.length, 3);
  const [mysql, ssh, web] = rows;
  assert.deepEqual(
    [mysql.client, mysql.server, mysql.service, mysql.orig, mysql.state, mysql.history],
    ['10.0.0.8:50000?', '10.0.0.9:3306', 'mysql', 'client', 'OTH', '^dA'],
  );
  assert.equal(mysql.start, '2023-11-14 22:13:20.000000');
  assert.deepEqual([ssh.client, ssh.service, ssh['hs-rtt']], ['10.0.0.1:45000', 'ssh', '2.00 ms']);
  assert.deepEqual(
    [web.rexmit, web.max1, web['c→s pkts/bytes'], web['s→c pkts/bytes'], web.end],
    ['3', '3', '6/18', '1/0', 'open'],
  );
  assert.equal(web['idle-max'], '800.0 ms');
  const j = json([path]);
  assert.equal(j[0].roles, 'inferred-port');
  assert.equal(j[2].max_segment_retransmissions, 3);
});

test('several captures: a capture column, rows capture by capture, ids continuing', () => {
  const { header, rows } = table([lab('graceful'), lab('refused')]);
  assert.equal(header[0], 'capture');
  assert.deepEqual(
    rows.map((r) => [r.capture, r.state, r.end]),
    [
      ['0', 'SF', 'fin'],
      ['0', 'SF', 'fin'],
      ['1', 'REJ', 'rst'],
    ],
  );
  assert.deepEqual(
    json([lab('graceful'), lab('refused')]).map((r) => [r.capture, r.id]),
    [
      [0, 1],
      [0, 2],
      [1, 3],
    ],
  );
  const sessions = table([lab('graceful'), '--zeek-sessions']);
  assert.deepEqual(sessions.header.slice(0, 2), ['session', 'start']);
});

test('row order: first-packet order while older connections are open, bounded by the waiting limit', () => {
  const out: string[] = [];
  const order = new RowOrder<string>(1, (r) => out.push(r), 3);
  order.ended(2, ['b']);
  order.ended(3, ['c1', 'c2']);
  assert.deepEqual(out, [], 'waiting for connection 1');
  order.ended(1, ['a']);
  assert.deepEqual(out, ['a', 'b', 'c1', 'c2']);
  // Connection 4 stays open (a SYN nobody answers): beyond 3 waiting rows the others go out…
  order.ended(6, ['f']);
  order.ended(5, ['e']);
  order.ended(7, ['g']);
  assert.deepEqual(out.slice(4), []);
  order.ended(8, ['h']);
  assert.deepEqual(out.slice(4), ['e', 'f', 'g', 'h']);
  // …and it is printed when it ends; later connections flow normally again.
  order.ended(4, ['d']);
  order.ended(9, ['i']);
  assert.deepEqual(out.slice(8), ['d', 'i']);
});

test('--zeek-sessions: a Zeek session continues across a tracker split Zeek does not make', () => {
  const t0 = 1_700_000_100;
  const fromServer = { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000 };
  const fromClient = { sport: 40000, dport: 80 };
  const path = pcap('carry.pcap', [
    [t0, { ...fromClient, flags: 'S', seq: 100 }],
    [t0 + 0.001, { ...fromServer, flags: 'SA', seq: 900, ack: 101 }],
    [t0 + 0.002, { ...fromClient, flags: 'A', seq: 101, ack: 901 }],
    [t0 + 0.003, { ...fromClient, flags: 'R', seq: 101 }],
    // A SYN-ACK with another ISN a second later: a new connection for the tracker (and tshark's
    // port-reuse logic), but Zeek's session is still in its 5 s close delay and a SYN-ACK is no reuse.
    [t0 + 1, { ...fromServer, flags: 'SA', seq: 5000, ack: 101 }],
    [t0 + 1.001, { ...fromClient, flags: 'R', seq: 101 }],
  ]);
  assert.deepEqual(
    json([path]).map((r) => [r.id, r.roles, r.end, r.client_pkts, r.server_pkts]),
    [
      [1, 'syn', 'rst', 3, 1],
      [2, 'inferred-syn-ack', 'rst', 1, 1],
    ],
  );
  const sessions = json([path, '--zeek-sessions']);
  assert.deepEqual(
    sessions.map((r) => [r.id, r.zeek_session, r.end, r.client_pkts, r.server_pkts, r.resets]),
    [[2, 1, 'rst', 4, 2, 2]],
    'one Zeek session, counted over both tracked connections',
  );
  assert.equal(sessions[0].handshake_rtt, 0.002, 'the handshake of the first tracked connection');
  assert.equal(sessions[0].start, t0);
});
