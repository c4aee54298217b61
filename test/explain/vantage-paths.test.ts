import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { formatAddress } from '../../src/decode/address.ts';
import { readPackets } from '../../src/pipeline/read-packets.ts';
import { explainText } from '../../src/report/explain-text.ts';
import { filterCapture, warpClock } from '../helpers/capture-edit.ts';
import { labScenarios } from '../helpers/lab.ts';
import { shiftClock } from '../helpers/shift-clock.ts';

/**
 * What several vantage points show along the path: packets lost between two of them (in the
 * findings that need it, frame by frame), one ladder drawn from all of them, and clocks aligned
 * with honest uncertainty — one way only, with drift, through a third capture.
 */
const dir = mkdtempSync(join(tmpdir(), 'rstscope-vantage-paths-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lab(id: string): string[] {
  const s = labScenarios().find((x) => x.id === id);
  assert.ok(s !== undefined, `lab scenario ${id} missing`);
  return ['client', 'router-c', 'router', 'server'].map((n) => join(s.dir, s.captures[n]));
}

test("windows-like-retrans-reset: the reset finding shows where the server's packets were lost and says so", async () => {
  const { findings, paths } = await runExplain(lab('windows-like-retrans-reset'));
  const f = findings.find((x) => x.cause === 'retransmission-exhausted');
  assert.ok(f !== undefined);
  const loss = f.evidence.find((e) => e.signal === 'path-loss');
  assert.ok(loss !== undefined, 'path-loss evidence');
  // The router drops server→client: seen at its server side (capture 2), never at its client side.
  assert.match(loss.detail, /of the server's \d+ packets that passed capture 2 .* never reached capture 1/);
  assert.ok(loss.frames.length > 0 && loss.frames.every((r) => r.capture === 2));
  assert.doesNotMatch(f.nextStep, /a capture at the server/);
  assert.match(f.nextStep, /path between capture 2 .* and capture 1 .* drops server→client packets/);
  // The same frames are the path totals' lost frames.
  const sc = paths.find((p) => p.direction === 'server→client')!;
  assert.deepEqual(
    loss.frames.map((r) => r.frame),
    sc.frames.slice(0, loss.frames.length).map((r) => r.frame),
  );
  // The ladder marks them lost, seen only at the server side.
  const lost = (f.ladder ?? []).filter((r) => r.lost);
  assert.ok(lost.length > 0);
  for (const r of lost) {
    assert.equal(r.from, 'server');
    assert.deepEqual(r.seenAt, [2, 3]);
  }
  const text = explainText([], findings, false, paths).join('\n');
  assert.match(
    text,
    /path: \d+ of \d+ server→client packets seen at capture 2 never reached capture 1 \(1 connection; lost: 2:\d+/,
  );
});

test('retrans-timeout and silent-drop: failures get the cross-capture evidence too', async () => {
  const rt = await runExplain(lab('retrans-timeout'));
  const f = rt.findings.find((x) => x.cause === 'retransmission-timeout')!;
  const loss = f.evidence.find((e) => e.signal === 'path-loss');
  assert.ok(loss !== undefined, JSON.stringify(f.evidence));
  assert.match(loss.detail, /of the client's \d+ packets that passed capture 1 .* never reached capture 2/);
  assert.match(f.nextStep, /drops client→server packets/);
  const sd = await runExplain(lab('silent-drop'));
  const syn = sd.findings.filter((x) => x.cause === 'syn-unanswered');
  assert.equal(syn.length, 1);
  assert.deepEqual([...new Set(syn[0].packets.map((p) => p.capture))].sort(), [0, 1]);
});

test('the ladder of a multi-capture finding: every capture, reference-clock order, copies folded', async () => {
  const paths = lab('injected-both');
  // Shift the server-side captures: the ladder must still be in true order.
  const shifted = [paths[0], paths[1], join(dir, 'ib-router.pcap'), join(dir, 'ib-server.pcap')];
  await shiftClock(paths[2], shifted[2], -42_250_000);
  await shiftClock(paths[3], shifted[3], 123_456_789);
  const { findings } = await runExplain(shifted);
  const f = findings[0];
  const ladder = f.ladder ?? [];
  assert.ok(ladder.length > 0 && ladder.length <= 80);
  for (let i = 1; i < ladder.length; i++)
    assert.ok(ladder[i].ts >= ladder[i - 1].ts, `rung ${i} out of order`);
  // The handshake was seen at all four points: one rung each, seenAt all.
  for (const r of ladder.slice(0, 3)) assert.deepEqual(r.seenAt, [0, 1, 2, 3]);
  // Both forged resets, each seen only on its side of the router.
  const resets = ladder.filter((r) => r.mark === 'reset');
  assert.equal(resets.length, 2);
  const toServer = resets.find((r) => r.from === 'client')!;
  const toClient = resets.find((r) => r.from === 'server')!;
  assert.deepEqual(toServer.seenAt, [2, 3]);
  assert.deepEqual(toClient.seenAt, [0, 1]);
  assert.ok(!toServer.lost && !toClient.lost, 'forged, not lost');
  assert.ok(ladder.some((r) => r.app === 'GET /one HTTP/1.1'));
  assert.ok(new Set(ladder.map((r) => r.capture)).size >= 2, 'rungs drawn from several captures');
});

test('one direction only: the clock offset comes with an honest bound', async () => {
  const paths = lab('silent-drop');
  const shifted = join(dir, 'sd-router-c.pcap');
  await shiftClock(paths[1], shifted, 5_000_000);
  const { captures } = await runExplain([paths[0], shifted]);
  const clock = captures[1].clock;
  assert.ok(clock !== undefined);
  assert.equal(clock.oneWay, true);
  assert.ok(clock.uncertainty >= 0.001, `uncertainty ${clock.uncertainty}`);
  assert.ok(Math.abs(clock.offset + 5) <= clock.uncertainty, `offset ${clock.offset} ± ${clock.uncertainty}`);
});

test('drift: a capture clock running 100 ppm fast is measured and applied', async () => {
  const [client, , , server] = lab('busy');
  // Stretch busy (0.46 s) to about 3 minutes, so that 100 ppm is 18 ms over the capture.
  let t0 = 0;
  await readPackets([client], {
    onTcp(r) {
      if (t0 === 0) t0 = r.tsMicros;
    },
  });
  const c = join(dir, 'busy-c-long.pcap');
  const s = join(dir, 'busy-s-drift.pcap');
  await warpClock(client, c, { t0, scale: 400, driftPpm: 0, shiftMicros: 0 });
  await warpClock(server, s, { t0, scale: 400, driftPpm: 100, shiftMicros: 30_000_000 });
  const { captures, findings } = await runExplain([c, s]);
  const clock = captures[1].clock!;
  assert.ok(clock.driftPpm !== null && Math.abs(clock.driftPpm - 100) < 5, `drift ${clock.driftPpm} ppm`);
  // The truth at both ends of the capture lies within the reported offset and uncertainty.
  for (const t of [captures[1].firstTs!, captures[1].lastTs!]) {
    const truthAtT = -(30 + ((t - 30 - t0 / 1e6) * 100) / 1e6);
    const reported = clock.offset - clock.driftPpm! * 1e-6 * (t - clock.epoch);
    assert.ok(
      Math.abs(reported - truthAtT) <= clock.uncertainty + 0.0005,
      `at ${t}: ${reported} ± ${clock.uncertainty}, truth ${truthAtT}`,
    );
  }
  // Applied: the resets both captures saw are one finding each.
  for (const f of findings.filter((x) => x.kind === 'reset' && x.cause === 'refused'))
    assert.deepEqual([...new Set(f.packets.map((p) => p.capture))].sort(), [0, 1]);
});

test('chained clocks: a capture sharing connections only with a second one is aligned through it', async () => {
  const [client, , , server] = lab('busy');
  // A: the client's attempts to port 23, which the router rejects: the server never sees them.
  const a = join(dir, 'a-port23.pcap');
  await filterCapture(client, a, (v) => v.dport === 23 || v.sport === 23);
  const c = join(dir, 'c-server-100.pcap');
  await shiftClock(server, c, -100_000_000);
  const { captures } = await runExplain([a, client, c]);
  assert.ok(captures[1].clock !== undefined, 'B aligned with A');
  const clock = captures[2].clock;
  assert.ok(clock !== undefined, 'C aligned');
  assert.equal(clock.reference, 0);
  assert.deepEqual(clock.via, [1]);
  assert.ok(
    Math.abs(clock.offset - 100) <= clock.uncertainty + 0.0001,
    `offset ${clock.offset} ± ${clock.uncertainty}`,
  );
  // Independent check that A and C really share nothing.
  const ports = async (path: string) => {
    const set = new Set<string>();
    await readPackets([path], {
      onTcp(_r, v) {
        set.add(`${formatAddress(4, v.src)}:${v.sport}`);
      },
    });
    return set;
  };
  const inA = await ports(a);
  const inC = await ports(c);
  assert.equal([...inA].filter((x) => inC.has(x) && !x.endsWith(':23')).length, 0);
});
