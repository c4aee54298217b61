import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { interleaveAsInterfaces } from '../helpers/capture-edit.ts';
import { labScenarios } from '../helpers/lab.ts';

/**
 * One pcapng file, several interfaces: when they carry the same connections (dumpcap -i a -i b on
 * a router) each is a vantage point of its own; when they carry unrelated traffic (a merged file)
 * the file stays one capture, as before.
 */
const dir = mkdtempSync(join(tmpdir(), 'rstscope-vantage-pcapng-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lab(id: string, name: string): string {
  const s = labScenarios().find((x) => x.id === id);
  assert.ok(s !== undefined, `lab scenario ${id} missing`);
  return join(s.dir, s.captures[name]);
}

test("interfaces carrying the same connections are vantage points, with the file's frame numbers", async () => {
  const inputs = [lab('injected-both', 'router-c'), lab('injected-both', 'router')];
  const file = join(dir, 'router-two-nics.pcapng');
  await interleaveAsInterfaces(inputs, file, ['eth0', 'eth1']);
  const apart = await runExplain(inputs);
  const together = await runExplain([file]);
  assert.equal(together.captures.length, 2);
  assert.deepEqual(
    together.captures.map((c) => [c.interfaces, c.source, c.vantage]),
    [
      [[0], 'eth0', apart.captures[0].vantage],
      [[1], 'eth1', apart.captures[1].vantage],
    ],
  );
  assert.deepEqual(
    together.findings.map((f) => [f.kind, f.cause, f.origin, f.packets.length]),
    apart.findings.map((f) => [f.kind, f.cause, f.origin, f.packets.length]),
  );
  // Frames are those of the merged file (what Wireshark shows for it): all distinct.
  const frames = together.findings.flatMap((f) => f.packets.map((p) => p.frame));
  assert.equal(new Set(frames).size, frames.length);
});

test('interfaces carrying unrelated traffic stay one capture', async () => {
  const inputs = [lab('refused', 'client'), lab('abort-client', 'client')];
  const file = join(dir, 'merged.pcapng');
  await interleaveAsInterfaces(inputs, file, ['a', 'b']);
  const { captures, findings } = await runExplain([file]);
  assert.equal(captures.length, 1);
  assert.equal(captures[0].source, undefined);
  const causes = findings
    .filter((f) => f.kind === 'reset')
    .map((f) => f.cause)
    .sort();
  assert.deepEqual(causes, ['app-abort', 'refused']);
});

test('--ndjson on one file holding two vantage points waits for the correlation', async () => {
  const inputs = [lab('injected-both', 'client'), lab('injected-both', 'server')];
  const file = join(dir, 'two-points.pcapng');
  await interleaveAsInterfaces(inputs, file, ['client', 'server']);
  const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
  const r = spawnSync(process.execPath, [main, 'explain', file, '--ndjson'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const out = r.stdout;
  assert.equal(lines.length, 1, out);
  assert.equal(lines[0].cause, 'middlebox-injected');
  assert.equal(lines[0].packets.length, 2);
});

test('a hostile file declaring hundreds of marked interfaces stays bounded', async () => {
  const { PcapngWriter } = await import('../../src/capture/pcap-writer.ts');
  const { readCapture } = await import('../../src/capture/read-capture.ts');
  const { MAX_POINTS_PER_FILE, vantageMark } = await import('../../src/pipeline/vantage-points.ts');
  const frames: Buffer[] = [];
  await readCapture(lab('injected-both', 'client'), 0, (r) => {
    frames.push(Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength)));
  });
  const writer = new PcapngWriter();
  writer.startSection();
  for (let i = 0; i < 300; i++)
    writer.addInterface({
      linkType: 1,
      name: `if${i}`,
      comment: vantageMark(i, `\u001b[31mx${i}`, 'client'),
    });
  frames.forEach((f, k) => {
    writer.writePacket(k % 300, 1_795_318_232_000_000 + k, f);
  });
  const file = join(dir, 'hostile-points.pcapng');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, writer.toBuffer());
  const { captures } = await runExplain([file]);
  assert.ok(captures.length <= MAX_POINTS_PER_FILE + 1, `${captures.length} captures`);
});

test('--at positions follow the file when an earlier file holds several vantage points', async () => {
  const file = join(dir, 'client-side.pcapng');
  await interleaveAsInterfaces([lab('injected-both', 'client'), lab('injected-both', 'router-c')], file, [
    'client',
    'router-c',
  ]);
  // The second path is capture 2: its declared position must land there, not on capture 1.
  const { captures } = await runExplain([file, lab('injected-both', 'server')], {
    declaredVantages: new Map([[1, 'middle']]),
  });
  assert.equal(captures.length, 3);
  assert.equal(captures[2].vantage, 'between');
  assert.equal(captures[1].vantage, 'client');
});
