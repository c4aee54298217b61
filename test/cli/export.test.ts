/**
 * `rstscope export`: the packets of a finding's connection, written as pcap/pcapng, re-analysed
 * give the same finding, and tshark reads the file without complaint.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCapture } from '../../src/capture/read-capture.ts';
import { runExplain } from '../../src/cli/explain-command.ts';
import { exportCommand, parseConnection, parseFrame } from '../../src/cli/export-command.ts';
import type { Finding } from '../../src/explain/finding.ts';

const root = path.join(import.meta.dirname, '..', '..');
const lab = (scenario: string, capture: string) =>
  path.join(root, 'test/fixtures/lab', scenario, `${capture}.pcap`);
const hasTshark = spawnSync('tshark', ['--version']).status === 0;

/** Runs exportCommand with stderr captured. */
async function exportQuietly(
  paths: string[],
  opts: Parameters<typeof exportCommand>[1],
): Promise<{ code: number; stderr: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await exportCommand(paths, opts), stderr };
  } finally {
    process.stderr.write = original;
  }
}

/**
 * Runs tshark. Its notice about running as root (CI containers) says nothing about the file, so
 * that one line is dropped from stderr; any other complaint stays.
 */
function tshark(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  const stderr = r.stderr.replace(
    /^Running as user "root" and group "root"\. This could be dangerous\.\n/m,
    '',
  );
  return { status: r.status, stdout: r.stdout, stderr };
}

/** tshark display filter for both directions of a client/server endpoint pair (IPv4). */
function tupleFilter(f: Finding): string {
  const [ca, cp] = f.connection.client.split(':');
  const [sa, sp] = f.connection.server.split(':');
  return `ip.addr==${ca} && ip.addr==${sa} && tcp.port==${cp} && tcp.port==${sp}`;
}

describe('rstscope export', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rstscope-export-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [scenario, cause] of [
    ['busy', 'app-abort'],
    ['busy', 'refused'],
    ['abort-client', 'app-abort'],
    ['keepalive-timeout', 'keepalive-timeout'],
  ] as const) {
    it(`round trip: a ${cause} finding of ${scenario}/client.pcap, re-explained, gives the same cause and origin`, async () => {
      const input = lab(scenario, 'client');
      const { findings } = await runExplain([input]);
      const f = findings.find((x) => x.kind === 'reset' && x.cause === cause);
      assert.ok(f, `${scenario} has a ${cause} reset finding`);
      const out = path.join(dir, `${scenario}-${f.id}.pcap`);
      const r = await exportQuietly([input], { finding: f.id, write: out });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^rstscope: wrote \\d+ packets of finding #${f.id} \\(${cause}\\)`));
      const again = await runExplain([out]);
      const resets = again.findings.filter((x) => x.kind === 'reset');
      assert.equal(resets.length, 1, JSON.stringify(again.findings.map((x) => x.cause)));
      assert.equal(resets[0].cause, f.cause);
      assert.equal(resets[0].origin, f.origin);
      assert.deepEqual(resets[0].connection, f.connection);
      if (hasTshark) {
        const t = tshark(['-r', out]);
        assert.equal(t.status, 0);
        assert.equal(t.stderr, '');
        // Every packet of the 4-tuple in the original, no other.
        const count = (file: string, filter: string) =>
          tshark(['-r', file, '-Y', filter]).stdout.trim().split('\n').length;
        assert.equal(t.stdout.trim().split('\n').length, count(input, tupleFilter(f)));
        assert.equal(count(out, tupleFilter(f)), count(input, tupleFilter(f)));
      }
    });
  }

  it('a pattern finding exports the connections of the findings it groups', async () => {
    const input = lab('busy', 'client');
    const { findings } = await runExplain([input]);
    const loop = findings.find((x) => x.kind === 'pattern' && (x.related?.length ?? 0) > 1);
    assert.ok(loop, 'busy has a pattern grouping several findings');
    const out = path.join(dir, 'pattern.pcap');
    const r = await exportQuietly([input], { finding: loop.id, write: out });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`\\(${loop.related!.length} connections, 1 capture\\)`));
    const again = await runExplain([out]);
    const members = findings.filter((x) => loop.related!.includes(x.id));
    assert.deepEqual(
      again.findings.filter((x) => x.kind !== 'pattern').map((x) => [x.cause, x.connection.client]),
      members.map((x) => [x.cause, x.connection.client]),
    );
  });

  it('--connection selects the same packets as --finding', async () => {
    const input = lab('busy', 'client');
    const { findings } = await runExplain([input]);
    const f = findings.find((x) => x.cause === 'app-abort' && x.kind === 'reset')!;
    const byFinding = path.join(dir, 'by-finding.pcap');
    const byTuple = path.join(dir, 'by-tuple.pcap');
    assert.equal((await exportQuietly([input], { finding: f.id, write: byFinding, quiet: true })).code, 0);
    // Either order of the endpoints.
    const spec = `${f.connection.server}-${f.connection.client}`;
    const r = await exportQuietly([input], { connection: spec, write: byTuple, quiet: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(fs.readFileSync(byTuple), fs.readFileSync(byFinding));
  });

  it('a finding seen from two captures is exported as pcapng, one interface per capture', async (t) => {
    const inputs = [lab('injected-both', 'client'), lab('injected-both', 'server')];
    const { findings } = await runExplain(inputs);
    const f = findings.find((x) => x.kind === 'reset')!;
    const captures = new Set([...f.packets, ...(f.ladder ?? [])].map((r) => r.capture));
    assert.equal(captures.size, 2, 'the finding names frames of both captures');
    const out = path.join(dir, 'both.pcapng');
    const r = await exportQuietly(inputs, { finding: f.id, write: out });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 captures\) to .*both\.pcapng \(pcapng\)/);
    // A pcap cannot hold two captures.
    const refused = await exportQuietly(inputs, {
      finding: f.id,
      write: path.join(dir, 'x.pcap'),
      format: 'pcap',
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /use --format pcapng/);
    assert.equal(fs.existsSync(path.join(dir, 'x.pcap')), false);
    if (!hasTshark) return t.skip('tshark not installed');
    const names = tshark(['-r', out, '-T', 'fields', '-e', 'frame.interface_name']);
    assert.equal(names.status, 0);
    assert.equal(names.stderr, '');
    assert.deepEqual(new Set(names.stdout.trim().split('\n')), new Set(['client.pcap', 'server.pcap']));
    // Each interface holds exactly that capture's packets of the connection.
    for (const [i, input] of inputs.entries()) {
      const want = tshark(['-r', input, '-Y', tupleFilter(f)])
        .stdout.trim()
        .split('\n').length;
      const got = tshark(['-r', out, '-Y', `frame.interface_id==${i}`])
        .stdout.trim()
        .split('\n').length;
      assert.equal(got, want);
    }
  });

  for (const [scenario, names] of [
    ['injected-both', ['client', 'server']],
    ['nat-reset', ['client', 'router-c', 'router', 'server']],
  ] as const) {
    it(`round trip of a ${names.length}-capture ${scenario} finding: the pcapng is read as its captures again`, async () => {
      const inputs = names.map((n) => lab(scenario, n));
      const { findings } = await runExplain(inputs);
      const f = findings.find((x) => x.kind === 'reset')!;
      const out = path.join(dir, `${scenario}-rt.pcapng`);
      const r = await exportQuietly(inputs, { finding: f.id, write: out });
      assert.equal(r.code, 0, r.stderr);
      // Each interface names its capture and vantage.
      const comments: (string | null)[] = [];
      await readCapture(out, 0, () => {}, { onInterface: (i) => comments.push(i.comment) });
      assert.equal(comments.length, names.length);
      comments.forEach((c, i) => {
        assert.match(
          c ?? '',
          new RegExp(`^rstscope vantage point ${i}: ${names[i]}\\.pcap( \\((client|server|between)\\))?$`),
        );
      });
      const again = await runExplain([out]);
      assert.equal(again.captures.length, names.length, 'one capture per vantage point');
      again.captures.forEach((c, i) => {
        assert.equal(c.source, `${names[i]}.pcap`);
      });
      assert.equal(
        again.findings.length,
        findings.length,
        JSON.stringify(again.findings.map((x) => x.cause)),
      );
      const g = again.findings.find((x) => x.kind === 'reset')!;
      assert.equal(g.cause, f.cause);
      assert.equal(g.origin, f.origin);
      assert.equal(g.severity, f.severity);
      assert.equal(g.packets.length, f.packets.length);
      assert.deepEqual(
        g.connection.asSeen?.map((x) => [x.client, x.server]),
        f.connection.asSeen?.map((x) => [x.client, x.server]),
      );
      if (hasTshark) {
        const t = tshark(['-r', out]);
        assert.equal(t.status, 0);
        assert.equal(t.stderr, '');
      }
    });
  }

  it('--frame [C:]N exports the connection of that frame: the stable selector for --ndjson findings', async () => {
    const input = lab('busy', 'client');
    const { findings } = await runExplain([input]);
    const f = findings.find((x) => x.kind === 'reset' && x.cause === 'refused')!;
    const byFinding = path.join(dir, 'frame-by-finding.pcap');
    const byFrame = path.join(dir, 'frame-by-frame.pcap');
    assert.equal((await exportQuietly([input], { finding: f.id, write: byFinding, quiet: true })).code, 0);
    const r = await exportQuietly([input], { frame: `0:${f.packets[0].frame}`, write: byFrame });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`of the connection of frame 0:${f.packets[0].frame}`));
    assert.deepEqual(fs.readFileSync(byFrame), fs.readFileSync(byFinding));
    // Several captures: frame N of capture 1.
    const inputs = [lab('injected-both', 'client'), lab('injected-both', 'server')];
    const both = path.join(dir, 'frame-1.pcapng');
    const r2 = await exportQuietly(inputs, { frame: '1:10', write: both });
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, /\(1 connection, 1 capture\)/);
    const none = await exportQuietly([input], { frame: '0:999999', write: path.join(dir, 'none.pcap') });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no packets of the connection of frame 0:999999/);
  });

  it('parses frame selectors', () => {
    assert.deepEqual(parseFrame('12'), { capture: 0, frame: 12 });
    assert.deepEqual(parseFrame('3:7'), { capture: 3, frame: 7 });
    assert.throws(() => parseFrame('0'));
    assert.throws(() => parseFrame('a:1'));
    assert.throws(() => parseFrame('1:2:3'));
  });

  it('fails with one clear line and exit 1 on an unknown finding, a bad tuple or no selector', async () => {
    const input = lab('busy', 'client');
    const out = path.join(dir, 'none.pcap');
    const unknown = await exportQuietly([input], { finding: 9999, write: out });
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^rstscope export: no finding #9999 \(the captures have findings #1–#\d+\)\n$/,
    );
    assert.equal(fs.existsSync(out), false);
    const bad = await exportQuietly([input], { connection: 'nonsense', write: out });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^rstscope export: --connection: /);
    const absent = await exportQuietly([input], { connection: '192.0.2.1:1-192.0.2.2:2', write: out });
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /no packets of connection 192\.0\.2\.1:1 ↔ 192\.0\.2\.2:2/);
    const neither = await exportQuietly([input], { write: out });
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /exactly one of --finding N, --frame \[C:\]N or --connection/);
    const stdin = await exportQuietly(['-'], { finding: 1, write: out });
    assert.equal(stdin.code, 1);
    assert.match(stdin.stderr, /needs files, not standard input/);
  });

  it('parses connection specs with IPv4, IPv6 and several separators', () => {
    assert.deepEqual(parseConnection('10.0.0.1:443-10.0.0.2:5000'), ['10.0.0.1:443', '10.0.0.2:5000']);
    assert.deepEqual(parseConnection('10.0.0.1:443 10.0.0.2:5000'), ['10.0.0.1:443', '10.0.0.2:5000']);
    assert.deepEqual(parseConnection('[2001:DB8::0:1]:443,[2001:db8::2]:80'), [
      '[2001:db8::1]:443',
      '[2001:db8::2]:80',
    ]);
    assert.deepEqual(parseConnection('[2001:db8::1]:443-[2001:db8::2]:80'), [
      '[2001:db8::1]:443',
      '[2001:db8::2]:80',
    ]);
    assert.throws(() => parseConnection('10.0.0.1-10.0.0.2'));
    assert.throws(() => parseConnection('10.0.0.1:99999-10.0.0.2:1'));
  });
});
