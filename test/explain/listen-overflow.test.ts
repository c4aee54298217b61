/**
 * listen-overflow against its look-alikes. A full accept queue resets from the no-socket path
 * (bare RST, seq = the client's ack, the server's TCP never acknowledged the request); an
 * application that accepted and then aborted resets from its socket (RST/ACK after its TCP
 * acknowledged the request). Both come in bursts on a busy port, so the burst alone must not decide.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { runExplain } from '../../src/cli/explain-command.ts';
import { makeTempDir, removeTempDir } from '../helpers/capture-writer.ts';
import { tcpFrame } from '../helpers/frames.ts';

const dir = makeTempDir('rstscope-overflow-');
after(() => removeTempDir(dir));

type Ending = 'overflow' | 'abort-after-request';

/** Ten clients connecting to one port within a few ms, each ending the same way. */
function burst(name: string, ending: Ending): string {
  const file = path.join(dir, `${name}.pcap`);
  const fd = fs.openSync(file, 'w');
  const writer = new PcapWriter({ linkType: 1, fd });
  const start = 1_767_225_600_000_000;
  const req = 'GET / HTTP/1.1\r\nHost: svc\r\n\r\n';
  for (let i = 0; i < 10; i++) {
    const t = start + i * 300;
    const isn = 1000 + i * 100_000;
    const sisn = 5_000_000 + i * 100_000;
    const c = { src: '10.0.0.1', dst: '10.0.0.9', sport: 40000 + i, dport: 80, ttl: 64 };
    const s = { src: '10.0.0.9', dst: '10.0.0.1', sport: 80, dport: 40000 + i, ttl: 64 };
    const put = (dt: number, f: Parameters<typeof tcpFrame>[0]) =>
      writer.writePacket(t + dt, tcpFrame(f).bytes);
    put(0, { ...c, seq: isn, flags: 'S', options: { mss: 1460 } });
    put(20, { ...s, seq: sisn, ack: isn + 1, flags: 'SA', options: { mss: 1460 } });
    put(40, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'A' });
    put(60, { ...c, seq: isn + 1, ack: sisn + 1, flags: 'PA', payload: req });
    if (ending === 'overflow') {
      put(80, { ...s, seq: sisn + 1, ack: 0, flags: 'R', window: 0 });
    } else {
      put(80, { ...s, seq: sisn + 1, ack: isn + 1 + req.length, flags: 'A' });
      put(900, { ...s, seq: sisn + 1, ack: isn + 1 + req.length, flags: 'RA' });
    }
  }
  writer.close();
  fs.closeSync(fd);
  return file;
}

test('a bare RST before the server acknowledged anything, in a burst: listen-overflow', async () => {
  const { findings } = await runExplain([burst('overflow', 'overflow')]);
  const resets = findings.filter((f) => f.kind === 'reset');
  assert.equal(resets.length, 10);
  for (const f of resets) assert.equal(f.cause, 'listen-overflow', f.summary);
});

test('RST/ACK after the server acknowledged the request, in a burst: not listen-overflow', async () => {
  const { findings } = await runExplain([burst('abort', 'abort-after-request')]);
  const resets = findings.filter((f) => f.kind === 'reset');
  assert.equal(resets.length, 10);
  for (const f of resets) {
    assert.notEqual(f.cause, 'listen-overflow', f.summary);
    assert.ok(['close-with-unread-data', 'app-abort'].includes(f.cause), f.cause);
  }
});
