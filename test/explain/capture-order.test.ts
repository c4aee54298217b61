/**
 * Captures reorder packets that leave a host close together. Recorded on the bench capture (veth
 * with a shaping qdisc): the server's "500" answer was captured 20 µs after the server's own
 * reset, and the server's last ACK after its reset drew a stateless reset from the client.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { makeTempDir, removeTempDir } from '../helpers/capture-writer.ts';
import { tcpFrame } from '../helpers/frames.ts';

const dir = makeTempDir('rstscope-order-');
after(() => removeTempDir(dir));

const REQ = 'GET /err/1 HTTP/1.1\r\nHost: svc\r\n\r\n';
const RES = 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n';
const ISN = 1000;
const SISN = 900_000;
const c = { src: '10.0.0.1', dst: '10.0.0.9', sport: 40000, dport: 80, ttl: 64 };
const s = { src: '10.0.0.9', dst: '10.0.0.1', sport: 80, dport: 40000, ttl: 64 };

/** A request answered by a 500 and a reset from the server, the reset captured before the 500. */
function write(name: string, reset: { ipId: number; tsVal?: number }, extra = false): string {
  const file = path.join(dir, `${name}.pcap`);
  const fd = fs.openSync(file, 'w');
  const writer = new PcapWriter({ linkType: 1, fd });
  const t0 = 1_767_225_600_000_000;
  const put = (dt: number, f: Parameters<typeof tcpFrame>[0]) =>
    writer.writePacket(t0 + dt, tcpFrame(f).bytes);
  const cts = (v: number) => ({ ts: [v, 5000] as [number, number] });
  const sts = (v: number) => ({ ts: [v, 2000] as [number, number] });
  put(0, { ...c, seq: ISN, flags: 'S', ipId: 1, options: { mss: 1460, ts: [2000, 0] } });
  put(100, { ...s, seq: SISN, ack: ISN + 1, flags: 'SA', ipId: 0, options: { mss: 1460, ...sts(5000) } });
  put(200, { ...c, seq: ISN + 1, ack: SISN + 1, flags: 'A', ipId: 2, options: cts(2001) });
  put(300, { ...c, seq: ISN + 1, ack: SISN + 1, flags: 'PA', ipId: 3, payload: REQ, options: cts(2001) });
  const acked = ISN + 1 + REQ.length;
  put(400, { ...s, seq: SISN + 1, ack: acked, flags: 'A', ipId: 100, options: sts(5001) });
  // The reset (sent last) is captured first; its seq already counts the 500's bytes.
  put(5000, {
    ...s,
    seq: SISN + 1 + RES.length,
    ack: acked,
    flags: 'RA',
    ipId: reset.ipId,
    ...(reset.tsVal === undefined ? {} : { options: sts(reset.tsVal) }),
  });
  put(5020, { ...s, seq: SISN + 1, ack: acked, flags: 'PA', ipId: 101, payload: RES, options: sts(5002) });
  if (extra) {
    // A server ACK sent before its reset but captured after both: the client, whose connection
    // the reset already destroyed, answers it with a bare reset (seq = that ACK).
    put(5040, { ...s, seq: SISN + 1 + RES.length, ack: acked, flags: 'A', ipId: 102, options: sts(5002) });
    put(5060, { ...c, seq: acked, ack: 0, flags: 'R', ipId: 0, window: 0 });
  }
  writer.close();
  fs.closeSync(fd);
  return file;
}

function resetFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.kind === 'reset');
}

test('data captured after its sender reset, but sent before it (IP ID, TSval, seq): the last word, not a forgery', async () => {
  const { findings } = await runExplain([write('reordered', { ipId: 102, tsVal: 5003 })]);
  const [f] = resetFindings(findings);
  assert.equal(f.origin, 'server');
  assert.equal(f.cause, 'app-error');
  assert.ok(f.evidence.some((e) => e.signal === 'capture-order' && e.frames.some((r) => r.frame === 7)));
  assert.ok(!f.evidence.some((e) => e.signal === 'origin:after-reset'));
});

test('the same order with a reset whose IP ID and options do not follow the sender: still data after the reset', async () => {
  const { findings } = await runExplain([write('forged', { ipId: 0 })]);
  const [f] = resetFindings(findings);
  assert.equal(f.origin, 'middlebox');
  assert.ok(!f.evidence.some((e) => e.signal === 'capture-order'));
});

test("a stateless reset answering the peer's segment that arrived after the peer's own reset is its echo (benign)", async () => {
  const { findings } = await runExplain([write('echo', { ipId: 102, tsVal: 5003 }, true)]);
  const resets = resetFindings(findings);
  assert.equal(resets.length, 2);
  const echo = resets.find((f) => f.packets.some((p) => p.frame === 9));
  assert.ok(echo);
  assert.equal(echo.cause, 'unknown-connection');
  assert.equal(echo.severity, 'benign');
  assert.equal(echo.origin, 'client');
  assert.ok(echo.evidence.some((e) => e.signal === 'after-peer-reset'));
});
