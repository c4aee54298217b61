/**
 * reconnect-loop: failures the client mostly gets from one service, several in a row, at a
 * retry's pace. Scattered failures among good connections, or a slow schedule, are not a loop.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { runExplain } from '../../src/cli/explain-command.ts';
import { makeTempDir, removeTempDir } from '../helpers/capture-writer.ts';
import { tcpFrame } from '../helpers/frames.ts';

const dir = makeTempDir('rstscope-loop-');
after(() => removeTempDir(dir));

/** One connection per entry: 'ok' a clean request/response/FIN, 'refused' a SYN answered by RST/ACK. */
function write(name: string, attempts: ('ok' | 'refused')[], everyMicros: number): string {
  const file = path.join(dir, `${name}.pcap`);
  const fd = fs.openSync(file, 'w');
  const writer = new PcapWriter({ linkType: 1, fd });
  const t0 = 1_767_225_600_000_000;
  attempts.forEach((kind, i) => {
    const t = t0 + i * everyMicros;
    const isn = 1000 + i * 10_000;
    const sisn = 7_000_000 + i * 10_000;
    const c = { src: '10.0.0.1', dst: '10.0.0.9', sport: 41000 + i, dport: 80, ttl: 64 };
    const s = { src: '10.0.0.9', dst: '10.0.0.1', sport: 80, dport: 41000 + i, ttl: 64 };
    const put = (dt: number, f: Parameters<typeof tcpFrame>[0]) =>
      writer.writePacket(t + dt, tcpFrame(f).bytes);
    put(0, { ...c, seq: isn, flags: 'S', options: { mss: 1460 } });
    if (kind === 'refused') {
      put(50, { ...s, seq: 0, ack: isn + 1, flags: 'RA', window: 0 });
      return;
    }
    const req = 'GET / HTTP/1.1\r\n\r\n';
    const res = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    put(50, { ...s, seq: sisn, ack: isn + 1, flags: 'SA', options: { mss: 1460 } });
    put(100, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'A' });
    put(150, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'PA', payload: req });
    put(200, { ...s, seq: sisn + 1, ack: isn + 1 + req.length, flags: 'PA', payload: res });
    put(250, { ...c, seq: isn + 1 + req.length, ack: sisn + 1 + res.length, flags: 'FA' });
    put(300, { ...s, seq: sisn + 1 + res.length, ack: isn + 2 + req.length, flags: 'FA' });
    put(350, { ...c, seq: isn + 2 + req.length, ack: sisn + 2 + res.length, flags: 'A' });
  });
  writer.close();
  fs.closeSync(fd);
  return file;
}

async function loops(file: string): Promise<number> {
  const { findings } = await runExplain([file]);
  return findings.filter((f) => f.cause === 'reconnect-loop').length;
}

test('four refused attempts a second apart: a reconnect loop', async () => {
  assert.equal(await loops(write('fast', ['refused', 'refused', 'refused', 'refused'], 1_000_000)), 1);
});

test('the same four a minute apart: a schedule, not a loop', async () => {
  assert.equal(await loops(write('slow', ['refused', 'refused', 'refused', 'refused'], 60_000_000)), 0);
});

test('failures scattered among good connections, never three in a row: not a loop', async () => {
  const mix = ['ok', 'refused', 'ok', 'refused', 'refused', 'ok', 'ok', 'refused', 'ok', 'ok'] as const;
  assert.equal(await loops(write('scattered', [...mix], 1_000_000)), 0);
});

test('three failures in a row, but most attempts succeed: not a loop', async () => {
  const mix = ['ok', 'ok', 'ok', 'refused', 'refused', 'refused', 'ok', 'ok', 'ok', 'ok'] as const;
  assert.equal(await loops(write('mostly-ok', [...mix], 1_000_000)), 0);
});

test('five connections opened in parallel and refused together: no loop (a retry follows a failure)', async () => {
  // Each SYN 20 µs after the previous; each refusal 50 µs after its SYN, so later SYNs leave
  // before the earlier attempts fail.
  assert.equal(
    await loops(write('parallel', ['refused', 'refused', 'refused', 'refused', 'refused'], 20)),
    0,
  );
});
