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
