import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LAB_DIR } from '../helpers/lab.ts';

/** The CLI as a user runs it: exit codes, outputs, errors without stack traces, stdin. */
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    input,
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

const refused = join(LAB_DIR, 'refused', 'client.pcap');
const unread = join(LAB_DIR, 'unread-data', 'client.pcap');

test('explain: exit 0 when nothing needs attention, 2 when a problem is found', () => {
  const ok = run(['explain', refused]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /refused/);
  const bad = run(['explain', unread]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stdout, /close-with-unread-data/);
});

test('explain --json: the documented document', () => {
  const r = run(['explain', unread, '--json']);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, 1);
  assert.equal(doc.captures[0].path, unread);
  const f = doc.findings[0];
  for (const k of [
    'id',
    'kind',
    'cause',
    'severity',
    'confidence',
    'origin',
    'packets',
    'connection',
    'evidence',
    'traceback',
    'summary',
    'nextStep',
  ]) {
    assert.ok(k in f, `finding lacks ${k}`);
  }
  assert.deepEqual(f.packets, [{ capture: 0, frame: 12 }]);
  assert.equal(f.connection.server, '198.18.2.2:80');
});

test('explain --ndjson streams one finding per line; --cause filters', () => {
  const r = run(['explain', join(LAB_DIR, 'busy', 'client.pcap'), '--ndjson', '--cause', 'refused']);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(lines.length >= 10);
  assert.ok(lines.every((f) => f.cause === 'refused'));
  const bad = run(['explain', refused, '--cause', 'no-such-cause']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown cause/);
});

test('explain --ndjson: streamed findings carry their ids, and patterns relate to those ids', () => {
  const r = run(['explain', join(LAB_DIR, 'busy', 'client.pcap'), '--ndjson']);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const ids = lines.map((f) => f.id);
  assert.ok(
    ids.every((id) => Number.isInteger(id) && id > 0),
    'every finding has an id',
  );
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  const patterns = lines.filter((f) => f.kind === 'pattern');
  assert.ok(patterns.length > 0);
  const streamed = new Map(lines.filter((f) => f.kind !== 'pattern').map((f) => [f.id, f]));
  for (const p of patterns) {
    assert.ok(p.related.length > 0);
    for (const id of p.related)
      assert.ok(streamed.has(id), `pattern ${p.id} relates to streamed finding ${id}`);
  }
});

test('bad input: one clear line, exit 1, no stack trace', () => {
  const missing = run(['explain', '/nonexistent/x.pcap']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /x\.pcap: no such file/);
  assert.doesNotMatch(missing.stderr, /at .*\.ts:\d+/);
  const notCapture = run(['packets', new URL('../../package.json', import.meta.url).pathname]);
  assert.equal(notCapture.code, 1);
  assert.match(notCapture.stderr, /not a pcap or pcapng file/);
  assert.doesNotMatch(notCapture.stderr, /at .*\.ts:\d+/);
});

test('a truncated capture: the readable part is analysed and the damage reported', () => {
  const bytes = readFileSync(unread);
  const r = run(['explain', '-', '--json'], bytes.subarray(0, bytes.length - 30));
  assert.match(r.stderr, /truncated/);
  const doc = JSON.parse(r.stdout);
  assert.ok(doc.captures[0].packets >= 10);
});

test('packets --json --resets from standard input', () => {
  const r = run(['packets', '-', '--json', '--resets'], readFileSync(refused));
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, 1);
  const p = rows[0];
  assert.equal(p.flags, 'RA');
  assert.equal(p.src, '198.18.2.2');
  assert.equal(p.sport, 9);
  assert.equal(p.seq, 0);
  assert.equal(p.ttl, 63);
  assert.equal(typeof p.ipid, 'number');
  assert.equal(p.frame, 4);
});

// `connections` has its own file: test/cli/connections.test.ts.

test('--help shows examples and exits 0', () => {
  const r = run(['explain', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /Exit codes/);
});
