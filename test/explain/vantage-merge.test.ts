import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { findingFilter } from '../../src/cli/finding-filter.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { explainText } from '../../src/report/explain-text.ts';
import { ipIdOf, patchIpv4 } from '../helpers/capture-edit.ts';
import { labScenarios } from '../helpers/lab.ts';
import { shiftClock } from '../helpers/shift-clock.ts';

/**
 * Several vantage points give one finding per event, on one clock: failures and patterns are not
 * repeated per capture, times are the reference capture's, adding a capture never removes a
 * finding, absence from the capture next to the claimed sender decides, NAT views are kept.
 */
const dir = mkdtempSync(join(tmpdir(), 'rstscope-vantage-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lab(id: string): { paths: string[]; names: string[]; dir: string } {
  const s = labScenarios().find((x) => x.id === id);
  assert.ok(s !== undefined, `lab scenario ${id} missing`);
  const names = Object.keys(s.captures);
  return { paths: names.map((n) => join(s.dir, s.captures[n])), names, dir: s.dir };
}

function census(findings: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[`${f.kind}:${f.cause}`] = (out[`${f.kind}:${f.cause}`] ?? 0) + 1;
  return out;
}

for (const id of ['silent-drop', 'retrans-timeout', 'listen-overflow', 'keepalive-timeout']) {
  test(`${id}: four captures give the findings of one, not one set per capture`, async () => {
    const { paths } = lab(id);
    const alone = await runExplain([paths[0]]);
    const joint = await runExplain(paths);
    assert.deepEqual(census(joint.findings), census(alone.findings));
    // The merged failures list their packets in every capture that saw them.
    for (const f of joint.findings.filter((x) => x.kind === 'failure')) {
      const captures = new Set(f.packets.map((p) => p.capture));
      assert.ok(captures.size >= 2, `${id}: ${f.cause} lists packets of ${[...captures]} only`);
    }
  });
}

test('times are on the reference clock: client + router shifted −7.5 s, --since and the next step agree', async () => {
  const { paths } = lab('injected-both');
  const shifted = join(dir, 'ib-router-7.5.pcap');
  await shiftClock(paths[2], shifted, -7_500_000);
  const alone = await runExplain([paths[0]]);
  const joint = await runExplain([paths[0], shifted]);
  const f = joint.findings.find((x) => x.kind === 'reset')!;
  const single = alone.findings.find((x) => x.kind === 'reset')!;
  assert.equal(f.cause, 'middlebox-injected');
  // Its first sighting is the reset toward the server at the router, a fraction of a ms before the
  // one toward the client reached the client: on capture 0's clock, not 7.5 s earlier.
  assert.ok(Math.abs(f.time - single.time) < 0.001, `time ${f.time} vs ${single.time}`);
  const iso = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/.exec(f.nextStep)?.[0];
  assert.ok(iso !== undefined, f.nextStep);
  assert.ok(Math.abs(Date.parse(iso) / 1000 - f.time) < 0.002, `next step says ${iso}, time ${f.time}`);
  for (const r of f.ladder ?? []) assert.ok(Math.abs(r.ts - f.time) < 1, `ladder rung at ${r.ts}`);
  for (const p of [f.traceback?.trigger, f.traceback?.lastRequest]) {
    if (p) assert.ok(Math.abs(p.ts - f.time) < 1, `trace-back at ${p.ts}`);
  }
  const since = findingFilter({ since: '2026-11-22T03:30:30Z' });
  assert.deepEqual(
    joint.findings.filter(since).map((x) => x.cause),
    alone.findings.filter(since).map((x) => x.cause),
  );
  assert.ok(joint.findings.filter(since).some((x) => x.severity === 'security'));
});

test('adding a capture never removes a finding: busy client + server shifted ±3600 s', async () => {
  const { paths } = lab('busy');
  const alone = await runExplain([paths[0]]);
  for (const shift of [-3_600_000_000, 3_600_000_000]) {
    const server = join(dir, `busy-server-${shift}.pcap`);
    await shiftClock(paths[3], server, shift);
    const joint = await runExplain([paths[0], server]);
    const clock = joint.captures[1].clock;
    assert.ok(clock !== undefined && Math.abs(clock.offset + shift / 1e6) <= clock.uncertainty + 0.001);
    for (const f of alone.findings) {
      if (f.kind === 'pattern') {
        const same = joint.findings.filter(
          (x) => x.kind === 'pattern' && x.cause === f.cause && x.connection.server === f.connection.server,
        );
        assert.equal(same.length, 1, `${shift}: pattern ${f.cause} ${f.connection.server} → ${same.length}`);
        assert.equal(same[0].related?.length, f.related?.length);
        assert.ok(
          Math.abs(same[0].time - f.time) < 0.01,
          `${shift}: pattern time ${same[0].time} vs ${f.time}`,
        );
        continue;
      }
      const frame = f.packets[0].frame;
      const holders = joint.findings.filter((x) =>
        x.packets.some((p) => p.capture === 0 && p.frame === frame),
      );
      assert.equal(holders.length, 1, `${shift}: ${f.cause} at frame ${frame} in ${holders.length} findings`);
      assert.equal(holders[0].cause, f.cause);
      assert.ok(
        Math.abs(holders[0].time - f.time) < 0.01,
        `${shift}: ${f.cause} time ${holders[0].time} vs ${f.time}`,
      );
    }
    assert.equal(joint.findings.length, alone.findings.length);
  }
});

test('every single-capture finding of every lab scenario is still there with all captures', async () => {
  for (const s of labScenarios()) {
    const paths = Object.values(s.captures).map((f) => join(s.dir, f));
    const joint = await runExplain(paths);
    for (const [index, path] of paths.entries()) {
      const alone = await runExplain([path]);
      for (const f of alone.findings) {
        if (f.kind === 'pattern') {
          assert.ok(
            joint.findings.some((x) => x.kind === 'pattern' && x.cause === f.cause),
            `${s.id}: capture ${index}'s ${f.cause} pattern is gone`,
          );
          continue;
        }
        const frame = f.packets[0].frame;
        const holders = joint.findings.filter((x) =>
          x.packets.some((p) => p.capture === index && p.frame === frame),
        );
        assert.equal(
          holders.length,
          1,
          `${s.id}: capture ${index} frame ${frame} (${f.cause}) in ${holders.length}`,
        );
        assert.equal(holders[0].kind, f.kind);
      }
    }
  }
});

test('forged resets mimicking the hosts (TTL, IP ID): absence from the capture next to the sender decides', async () => {
  const { paths } = lab('injected-both');
  const [client, , , server] = [paths[0], paths[1], paths[2], paths[3]];
  // Frame 10 in each is the forged reset; make it look exactly like the host it names.
  const c = join(dir, 'mimic-client.pcap');
  const s = join(dir, 'mimic-server.pcap');
  await patchIpv4(client, c, 10, { ttl: 63 });
  await patchIpv4(server, s, 10, { ttl: 63, ipId: ((await ipIdOf(server, 9)) + 1) & 0xffff });
  const aloneS = await runExplain([s]);
  assert.equal(
    aloneS.findings.find((x) => x.kind === 'reset')?.origin,
    'client',
    'the mimicry works on its own',
  );
  const joint = await runExplain([c, s]);
  const resets = joint.findings.filter((x) => x.kind === 'reset');
  assert.equal(resets.length, 1, 'the forged pair is one finding');
  const f = resets[0];
  assert.equal(f.origin, 'middlebox');
  assert.equal(f.cause, 'middlebox-injected');
  assert.ok((f.originDetail?.confidence ?? 0) >= 0.95);
  assert.deepEqual(f.packets.map((p) => `${p.capture}:${p.frame}`).sort(), ['0:10', '1:10']);
});

test('both ends reset at once: one finding citing each forged reset\'s absence, "these resets"', async () => {
  const { paths } = lab('injected-both');
  const joint = await runExplain(paths);
  const [f] = joint.findings;
  assert.match(f.summary, /these resets/);
  const absent = f.evidence.filter(
    (e) => /^absent from capture/.test(e.detail) || /absent from capture/.test(e.detail),
  );
  // The reset toward the client is absent from the server-side captures (2, 3), the one toward the
  // server from the client-side captures (0, 1); each cites its own reset's frame.
  const cites = (capture: number) => absent.some((e) => e.detail.includes(`absent from capture ${capture}`));
  for (const capture of [0, 1, 2, 3])
    assert.ok(cites(capture), `no absence from capture ${capture}: ${absent.map((e) => e.detail)}`);
  const framesCited = new Set(absent.flatMap((e) => e.frames.map((r) => r.capture)));
  assert.ok(framesCited.has(0) || framesCited.has(1), 'the reset seen at the client side is cited');
  assert.ok(framesCited.has(2) || framesCited.has(3), 'the reset seen at the server side is cited');
});

test('NAT: the outside address is in the finding, matched by --host and printed', async () => {
  const { paths } = lab('nat-reset');
  const joint = await runExplain([paths[0], paths[3]]);
  const [f] = joint.findings;
  assert.deepEqual(f.connection.asSeen, [
    { capture: 0, client: '198.18.1.2:39212', server: '198.18.2.2:80' },
    { capture: 1, client: '198.18.2.1:39212', server: '198.18.2.2:80' },
  ]);
  assert.equal(joint.findings.filter(findingFilter({ host: ['198.18.2.1'] })).length, 1);
  assert.equal(joint.findings.filter(findingFilter({ host: ['198.18.1.2'] })).length, 1);
  assert.equal(joint.findings.filter(findingFilter({ host: ['198.18.9.9'] })).length, 0);
  const text = explainText(joint.captures, joint.findings, false, joint.paths).join('\n');
  assert.match(
    text,
    /as seen: 198\.18\.1\.2:39212 → 198\.18\.2\.2:80 at capture 0; 198\.18\.2\.1:39212 → 198\.18\.2\.2:80 at capture 1/,
  );
});
