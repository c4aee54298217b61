/**
 * Recycled connection objects (TrackerOptions.recycle): a connection handed to a new 4-tuple
 * starts exactly as a new one, and tracking with recycling gives the same connections as without.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCapture } from '../../src/capture/read-capture.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import { connectionProtocol } from '../../src/explain/message-summary.ts';
import { Connection } from '../../src/tcp/connection.ts';
import type { ConnectionSummary } from '../../src/tcp/connection-summary.ts';
import { summarizeConnection } from '../../src/tcp/connection-summary.ts';
import { Tracker } from '../../src/tcp/tracker.ts';
import { Driver } from '../helpers/tracker-driver.ts';

test('a recycled connection is in every field a new one', () => {
  const d = new Driver({ recycle: true, endedLinger: 0 });
  // Handshake, data both ways, a retransmission, a zero window, a FIN and a reset: most fields move.
  d.send({ flags: 'S', seq: 100, options: { mss: 1460, wscale: 7, sackPerm: true, ts: [1, 0] } });
  d.send({ fromServer: true, flags: 'SA', seq: 500, ack: 101, options: { mss: 1400, wscale: 8 } });
  d.send({ flags: 'A', seq: 101, ack: 501 });
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'GET / HTTP/1.1\r\n\r\n' });
  d.send({ flags: 'PA', seq: 101, ack: 501, payload: 'GET / HTTP/1.1\r\n\r\n' }, 200_000);
  d.send({
    fromServer: true,
    flags: 'PA',
    seq: 501,
    ack: 119,
    window: 0,
    payload: 'HTTP/1.1 200 OK\r\n\r\n',
  });
  d.send({ flags: 'FA', seq: 119, ack: 520 });
  const used = d.send({ fromServer: true, flags: 'R', seq: 520 });
  d.tracker.finish();
  assert.equal(d.ended.length, 1);
  assert.ok(used.packets > 0 && used.resets !== null, 'the connection was used');
  // Scribble over every plain field (and the number arrays): a field the reset forgets shows.
  for (const o of [used, used.client, used.server, used.log] as unknown as Record<string, unknown>[]) {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number') o[k] = 999;
      else if (typeof v === 'boolean') o[k] = !v;
      else if (typeof v === 'string') o[k] = 'scribbled';
      else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) v.fill(7);
    }
  }
  const again = Connection.obtain(42, 3);
  assert.equal(again, used, 'the released object is handed out again');
  const fresh = new Connection(42, 3);
  assert.deepStrictEqual(again, fresh);
});

/** Connection summaries of a capture, tracked with or without recycling. */
async function summaries(path: string, recycle: boolean): Promise<ConnectionSummary[]> {
  const rows: ConnectionSummary[] = [];
  const view = new PacketView();
  const tracker = new Tracker(0, { ended: (c) => rows.push(summarizeConnection(c, null)) }, { recycle });
  await readCapture(path, 0, (record) => {
    decodeFrame(view, record.data, record.offset, record.capturedLength, record.linkType);
    if (view.status === 'tcp') tracker.packet(record, view);
  });
  tracker.finish();
  return rows;
}

test('tracking with recycled connections gives the same connections as without', async () => {
  const path = 'test/fixtures/lab/busy/client.pcap';
  const plain = await summaries(path, false);
  const recycled = await summaries(path, true);
  assert.ok(plain.length > 50, `${plain.length} connections`);
  assert.deepStrictEqual(recycled, plain);
});

test("a recycled connection object does not inherit its predecessor's application protocol", () => {
  const seen: string[] = [];
  const d = new Driver(
    { recycle: true, endedLinger: 0 },
    { ended: (c) => seen.push(connectionProtocol(c) ?? 'none') },
  );
  const exchange = (port: number, request: string, answer: string) => {
    const c = { sport: port, dport: 25 };
    const s = { sport: 25, dport: port, fromServer: true };
    d.send({ ...c, flags: 'S', seq: 100 });
    d.send({ ...s, flags: 'SA', seq: 500, ack: 101 });
    d.send({ ...c, flags: 'A', seq: 101, ack: 501 });
    d.send({ ...s, flags: 'PA', seq: 501, ack: 101, payload: answer });
    d.send({ ...c, flags: 'PA', seq: 101, ack: 501 + answer.length, payload: request });
    return d.send({ ...c, flags: 'RA', seq: 101 + request.length, ack: 501 + answer.length });
  };
  const first = exchange(41000, 'EHLO client.example\r\n', '220 mail.example ESMTP\r\n');
  const second = exchange(41001, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'HTTP/1.1 400 Bad Request\r\n\r\n');
  d.tracker.finish();
  assert.equal(second, first, 'the second connection got the first one’s object');
  assert.equal(seen.length, 2);
  assert.notEqual(seen[0], 'none');
  assert.notEqual(seen[1], seen[0], `protocols ${seen.join(', ')}`);
});

test('releasing a connection twice hands its object out once', () => {
  const d = new Driver({ recycle: true, endedLinger: 0 });
  const c = d.send({ flags: 'S', seq: 100 });
  d.tracker.finish();
  c.release(); // already released by the tracker when it ended
  const a = Connection.obtain(1, 0);
  const b = Connection.obtain(2, 0);
  assert.notEqual(a, b);
});
