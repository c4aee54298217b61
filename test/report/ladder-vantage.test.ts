/**
 * Ladder geometry for findings seen from several vantage points (hand-built findings in the
 * shape the multi-capture correlation produces: multi-capture-findings.ts): the middle line, the
 * capture taps, which capture saw which packet, lost packets, a reset born on the path and a
 * SYN a firewall answered.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/explain/finding.ts';
import type { CaptureInfo } from '../../src/report/explain-json.ts';
import {
  type LadderArrow,
  type LadderContext,
  type LadderRung,
  ladderLayout,
} from '../../src/report/html/ladder-layout.ts';
import { type LadderPacket, packRef, reportData } from '../../src/report/html/model.ts';
import {
  FORGED_BOTH_WAYS,
  FOUR_CAPTURES,
  LOST_UPLOAD,
  ON_THE_FIREWALL,
  REJECTED_AT_FIREWALL,
} from './multi-capture-findings.ts';

/** The rungs as the page hands them to ladderLayout (texts resolved). */
function rungsOf(captures: CaptureInfo[], f: Finding): LadderRung[] {
  const data = reportData(captures, [f], new Date(0));
  return data.findings[0].ld!.map((r) => {
    const c = r.slice() as LadderRung;
    const app = r[9];
    c[9] = app === null ? null : typeof app === 'number' ? data.strings[app] : (app as string);
    return c;
  });
}

function context(captures: CaptureInfo[], extra: Partial<LadderContext> = {}): LadderContext {
  return {
    origin: null,
    device: false,
    stopAtMiddle: null,
    vantages: captures.map((c) => c.vantage),
    covering: [],
    ...extra,
  };
}

const arrows = (rows: ReturnType<typeof ladderLayout>['rows']) =>
  rows.filter((r): r is LadderArrow => r.kind === 'packet');
const capturesSeen = (a: LadderArrow) => a.seen.map((s) => s[2]).sort();

describe('ladder from several vantage points', () => {
  it('keeps the compact rung short unless it has lost or seenAt (other captures only)', () => {
    const data = reportData(FOUR_CAPTURES, [LOST_UPLOAD], new Date(0));
    const ld = data.findings[0].ld!;
    assert.deepEqual(ld[0].slice(12), [0, [1, 2, 3]]);
    assert.deepEqual(ld.at(-1)!.slice(12), [1, [1]]);
    const own: LadderPacket = { ...LOST_UPLOAD.ladder![0], seenAt: [0] };
    const single = reportData(FOUR_CAPTURES, [{ ...LOST_UPLOAD, ladder: [own] }], new Date(0));
    assert.equal(single.findings[0].ld![0].length, 12, 'seenAt naming only its own capture adds nothing');
  });

  it('draws a middle line and one tap per capture, in path order on each side', () => {
    const L = ladderLayout(rungsOf(FOUR_CAPTURES, LOST_UPLOAD), context(FOUR_CAPTURES, { origin: 'client' }));
    assert.equal(L.lanes.middle, (L.lanes.client + L.lanes.server) / 2);
    assert.equal(L.middleName, 'path');
    assert.deepEqual(
      L.taps.map((t) => [t.capture, t.x]),
      [
        [0, L.lanes.client],
        [1, L.lanes.client + 26],
        [2, L.lanes.server - 26],
        [3, L.lanes.server],
      ],
    );
  });

  it('marks where each packet was seen, and ends a lost one short between the taps', () => {
    const L = ladderLayout(rungsOf(FOUR_CAPTURES, LOST_UPLOAD), context(FOUR_CAPTURES, { origin: 'client' }));
    const a = arrows(L.rows);
    // The handshake crossed every vantage point.
    assert.deepEqual(capturesSeen(a[0]), [0, 1, 2, 3]);
    assert.equal(a[0].lostAt, null);
    assert.notEqual(a[0].head, '');
    // The upload and its retransmissions: seen on the client's side only, lost on the path.
    const lost = a.filter((r) => r.cls.includes('lost'));
    assert.equal(lost.length, 7, 'the upload, 5 retransmissions and the reset');
    const tap1 = L.lanes.client + 26;
    const tap2 = L.lanes.server - 26;
    for (const r of lost) {
      assert.deepEqual(capturesSeen(r), [0, 1]);
      assert.equal(r.head, '', 'no arrowhead: it never arrived');
      assert.deepEqual(r.lostAt, [r.x2, r.y2]);
      assert.equal(r.x2, Math.round((tap1 + tap2) / 2));
      assert.match(r.title, /lost: never seen at capture 2 \(server side\), capture 3 \(server side\)/);
    }
    assert.match(lost[1].label, / \(retransmission, lost\)$/);
    assert.equal(lost.at(-1)!.cls, 'reset lost');
    // A dot lies on its arrow.
    for (const r of a)
      for (const [x, y] of r.seen) {
        const t = (x - r.x1) / (r.x2 - r.x1);
        assert.ok(Math.abs(y - (r.y1 + t * (r.y2 - r.y1))) < 1e-9);
      }
  });

  it('starts labels wider than their arrow at the sender instead of overflowing both ways', () => {
    const L = ladderLayout(rungsOf(FOUR_CAPTURES, LOST_UPLOAD), context(FOUR_CAPTURES, { origin: 'client' }));
    const retrans = arrows(L.rows).filter((r) => r.label.includes('retransmission'));
    for (const r of retrans) {
      assert.equal(r.anchor, 'start');
      assert.equal(r.labelX, r.x1 + 6);
    }
    const syn = arrows(L.rows)[0];
    assert.deepEqual([syn.anchor, syn.labelX], ['middle', (syn.x1 + syn.x2) / 2]);
    // Labels sit above their arrow: the text's baseline is above the arrow's highest point.
    for (const r of arrows(L.rows)) assert.ok(r.labelY < Math.min(r.y1, r.y2) - 2);
  });

  it('starts both forged resets on the middle line; each is seen only on its own side', () => {
    const L = ladderLayout(
      rungsOf(FOUR_CAPTURES, FORGED_BOTH_WAYS),
      context(FOUR_CAPTURES, { origin: 'middlebox', device: true }),
    );
    assert.equal(L.middleName, 'middlebox');
    const resets = arrows(L.rows).filter((r) => r.cls === 'reset');
    assert.equal(resets.length, 2);
    for (const r of resets) {
      assert.equal(r.x1, L.lanes.middle);
      assert.ok(r.born);
      assert.match(r.title, /born on the path/);
    }
    assert.equal(resets[0].x2, L.lanes.client);
    assert.deepEqual(capturesSeen(resets[0]), [0, 1]);
    assert.equal(resets[1].x2, L.lanes.server);
    assert.deepEqual(capturesSeen(resets[1]), [2, 3]);
    assert.equal(resets[1].frame, packRef({ capture: 3, frame: 10 }));
    // Packets that crossed the path are not "born" anywhere.
    assert.ok(arrows(L.rows).every((r) => r.cls === 'reset' || !r.born));
  });

  it('ends the SYN a firewall answered on the middle line, and shows the server capture that saw nothing', () => {
    const trigger = packRef(REJECTED_AT_FIREWALL.traceback!.trigger!);
    const ctx = context(ON_THE_FIREWALL, { origin: 'middlebox', device: true, stopAtMiddle: trigger });
    const L = ladderLayout(rungsOf(ON_THE_FIREWALL, REJECTED_AT_FIREWALL), { ...ctx, covering: [0, 1, 2] });
    const [syn, reset] = arrows(L.rows);
    assert.equal(syn.x2, L.lanes.middle);
    assert.ok(syn.stopped);
    assert.match(syn.title, /answered by a device on the path/);
    assert.deepEqual(capturesSeen(syn), [0, 1]);
    assert.equal(reset.x1, L.lanes.middle);
    assert.deepEqual(
      L.taps.map((t) => [t.capture, t.vantage, t.x]),
      [
        [0, 'client', L.lanes.client],
        [1, 'between', L.lanes.middle],
        [2, 'server', L.lanes.server],
      ],
    );
    // Without knowing the server's capture was recording, it is not drawn.
    assert.equal(ladderLayout(rungsOf(ON_THE_FIREWALL, REJECTED_AT_FIREWALL), ctx).taps.length, 2);
    // Nor when the rungs do not say where each packet was seen (no lost/seenAt at all): a tap
    // without dots would claim the capture missed them.
    const bare = (REJECTED_AT_FIREWALL.ladder as LadderPacket[]).map(({ seenAt: _s, ...r }) => r);
    const plain = ladderLayout(rungsOf(ON_THE_FIREWALL, { ...REJECTED_AT_FIREWALL, ladder: bare }), {
      ...ctx,
      covering: [0, 1, 2],
    });
    assert.deepEqual(
      plain.taps.map((t) => t.capture),
      [0],
    );
    // The path line still shows: the vantage points of the captures recording it differ.
    const noDevice = ladderLayout(rungsOf(ON_THE_FIREWALL, { ...REJECTED_AT_FIREWALL, ladder: bare }), {
      ...context(ON_THE_FIREWALL),
      covering: [0, 2],
    });
    assert.equal(noDevice.lanes.middle, (noDevice.lanes.client + noDevice.lanes.server) / 2);
    assert.equal(noDevice.middleName, 'path');
    const alone = ladderLayout(rungsOf(ON_THE_FIREWALL, { ...REJECTED_AT_FIREWALL, ladder: bare }), {
      ...context(ON_THE_FIREWALL),
      covering: [0],
    });
    assert.equal(alone.lanes.middle, null);
  });

  it('lets the SYN reach the server when the server side saw it, even for firewall-reject', () => {
    const trigger = packRef(REJECTED_AT_FIREWALL.traceback!.trigger!);
    const seenThere: Finding = {
      ...REJECTED_AT_FIREWALL,
      ladder: (REJECTED_AT_FIREWALL.ladder as LadderPacket[]).map((r, i) =>
        i === 0 ? { ...r, seenAt: [1, 2] } : r,
      ),
    };
    const L = ladderLayout(
      rungsOf(ON_THE_FIREWALL, seenThere),
      context(ON_THE_FIREWALL, { origin: 'middlebox', device: true, stopAtMiddle: trigger }),
    );
    const syn = arrows(L.rows)[0];
    assert.equal(syn.x2, L.lanes.server);
    assert.equal(syn.stopped, false);
    assert.deepEqual(capturesSeen(syn), [0, 1, 2]);
  });

  it('draws the classic two lines for one capture of unknown vantage', () => {
    const one = (LOST_UPLOAD.ladder as LadderPacket[]).map(({ seenAt: _s, lost: _l, ...r }) => r);
    const L = ladderLayout(rungsOf([FOUR_CAPTURES[0]], { ...LOST_UPLOAD, ladder: one }), {
      origin: 'client',
      device: false,
      stopAtMiddle: null,
      vantages: [undefined],
      covering: [0],
    });
    assert.equal(L.lanes.middle, null);
    assert.deepEqual(L.taps, []);
    assert.ok(arrows(L.rows).every((r) => r.seen.length === 0 && r.lostAt === null && !r.born));
  });
});
