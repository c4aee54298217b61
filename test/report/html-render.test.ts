/**
 * The HTML report's pieces that run in Node: safe JSON embedding, the compact data model, the
 * ladder geometry (also embedded in the page) and the page skeleton with its CSP.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import type { CaptureInfo } from '../../src/report/explain-json.ts';
import { renderHtmlReport } from '../../src/report/html/index.ts';
import {
  type LadderArrow,
  type LadderContext,
  type LadderRung,
  ladderLayout,
} from '../../src/report/html/ladder-layout.ts';
import { NUMBER_SLOT, packRef, reportData, type Text } from '../../src/report/html/model.ts';
import { pageScript } from '../../src/report/html/render.ts';

const root = path.join(import.meta.dirname, '..', '..');
const NASTY = '</script><script>alert(1)</script><!-- <SCRIPT> & \u2028\u2029 \x1b[2J \ud800';

/** The embedded data block's text (base64 of gzip). */
function dataBlock(html: string): string {
  const m = /<script type="application\/gzip" id="rstscope-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'data block present');
  return m[1];
}

function dataJson(html: string): string {
  return gunzipSync(Buffer.from(dataBlock(html), 'base64')).toString('utf8');
}

/** One capture, no vantage: the classic two-line ladder. */
const PLAIN: LadderContext = { origin: null, device: false, stopAtMiddle: null, vantages: [], covering: [] };
const MIDDLEBOX: LadderContext = { ...PLAIN, origin: 'middlebox', device: true };

describe('reportData (the embedded model)', () => {
  it('packs frame references, interns repeated texts and keeps every string as given', async () => {
    const { captures, findings } = await runExplain([path.join(root, 'test/fixtures/lab/busy/client.pcap')]);
    const data = reportData(captures, findings, new Date(0));
    assert.equal(data.findings.length, findings.length);
    let templated = 0;
    const S = (v: Text | null): string | null => {
      if (typeof v === 'number') return data.strings[v];
      if (Array.isArray(v)) {
        templated++;
        const nums = v[1].split('|');
        return data.strings[v[0]]
          .split(NUMBER_SLOT)
          .reduce((out, part, i) => (i === 0 ? part : out + nums[i - 1] + part), '');
      }
      return v;
    };
    findings.forEach((f, i) => {
      const c = data.findings[i];
      assert.equal(c.id, f.id);
      assert.equal(c.cause, f.cause);
      assert.equal(S(c.sum), f.summary);
      assert.equal(S(c.next), f.nextStep);
      assert.deepEqual(
        c.fr,
        f.packets.map((r) => r.frame),
      );
      assert.deepEqual(
        c.ev.map((e) => [S(e[0]), S(e[1])]),
        f.evidence.map((e) => [e.signal, e.detail]),
      );
      assert.equal(c.ld?.length, f.ladder?.length);
      f.ladder?.forEach((r, k) => {
        const rung = c.ld![k];
        assert.equal(rung[0], r.frame);
        assert.equal(rung[3], r.flags);
        assert.equal(S(rung[9]), r.app ?? null);
        // Offsets in µs from the finding's time give back the timestamp.
        assert.ok(Math.abs(f.time + rung[1] / 1e6 - r.ts) < 1e-6);
      });
    });
    assert.ok(templated > 0, 'prose differing only in numbers shares a template');
    // Repeated texts are stored once: far fewer strings than summaries.
    assert.ok(data.strings.length < findings.length);
    assert.equal(new Set(data.strings).size, data.strings.length);
  });

  it('packs (capture, frame) into one exact number', () => {
    assert.equal(packRef({ capture: 0, frame: 17 }), 17);
    const r = packRef({ capture: 3, frame: 4294967295 });
    assert.equal(Math.floor(r / 2 ** 32), 3);
    assert.equal(r % 2 ** 32, 4294967295);
  });
});

describe('ladderLayout', () => {
  // [ref, µs, from, flags, seq, ack, len, win, ttl, app, mark, gapBefore]
  const rung = (
    frame: number,
    us: number,
    from: 0 | 1,
    flags: string,
    seq: number,
    ack: number,
    len = 0,
    extra: Partial<{ app: string; mark: 0 | 1 | 2; gap: 0 | 1; win: number }> = {},
  ): LadderRung => [
    frame,
    us,
    from,
    flags,
    seq,
    ack,
    len,
    extra.win ?? 502,
    64,
    extra.app ?? null,
    extra.mark ?? 0,
    extra.gap ?? 0,
  ];
  const arrows = (rows: ReturnType<typeof ladderLayout>['rows']) =>
    rows.filter((r): r is LadderArrow => r.kind === 'packet');

  const conversation: LadderRung[] = [
    rung(1, 0, 0, 'S', 4294967290, 0),
    rung(2, 100, 1, 'SA', 1000, 4294967291),
    rung(3, 200, 0, 'A', 4294967291, 1001),
    rung(4, 300, 0, 'PA', 4294967291, 1001, 20, { app: 'GET / HTTP/1.1' }),
    rung(5, 400_000, 0, 'PA', 4294967291, 1001, 20, { gap: 1 }),
    rung(6, 5_400_000, 1, 'RA', 1001, 15, 0, { mark: 1 }),
  ];

  it('labels flags with sequence numbers relative to each side, modulo 2^32', () => {
    const a = arrows(ladderLayout(conversation, PLAIN).rows);
    assert.deepEqual(
      a.map((r) => r.label),
      [
        'S seq=0 len=0',
        'SA seq=0 ack=1 len=0',
        'A seq=1 ack=1 len=0',
        'PA seq=1 ack=1 len=20',
        'PA seq=1 ack=1 len=20 (retransmission)',
        'RA seq=1 ack=21 len=0',
      ],
    );
    assert.equal(a[3].app, 'GET / HTTP/1.1');
    assert.match(a[5].title, /seq 1001 · ack 15 /);
  });

  it('marks the reset, retransmissions, left-out packets and long pauses', () => {
    const L = ladderLayout(conversation, PLAIN);
    assert.deepEqual(
      L.rows.map((r) => (r.kind === 'packet' ? r.cls || 'packet' : r.kind)),
      ['packet', 'packet', 'packet', 'packet', 'gap', 'spacer', 'retrans', 'spacer', 'reset'],
    );
    const spacers = L.rows.filter((r) => r.kind === 'spacer');
    assert.deepEqual(
      spacers.map((s) => (s.kind === 'spacer' ? s.label : '')),
      ['399.7 ms later', '5.00 s later'],
    );
    // Rows go down the page without overlapping.
    for (let i = 1; i < L.rows.length; i++) assert.ok(L.rows[i].y > L.rows[i - 1].y);
    assert.ok(L.height > L.rows.at(-1)!.y);
  });

  it('draws arrows between the lanes, the reset of a middlebox from the middle line', () => {
    const plain = ladderLayout(conversation, PLAIN);
    assert.equal(plain.lanes.middle, null);
    const a = arrows(plain.rows);
    assert.deepEqual([a[0].x1, a[0].x2], [plain.lanes.client, plain.lanes.server]);
    assert.deepEqual([a[1].x1, a[1].x2], [plain.lanes.server, plain.lanes.client]);
    const mb = ladderLayout(conversation, MIDDLEBOX);
    const reset = arrows(mb.rows).at(-1)!;
    assert.equal(reset.x1, mb.lanes.middle);
    assert.equal(reset.x2, mb.lanes.client);
    // Other packets still go from endpoint to endpoint.
    assert.equal(arrows(mb.rows)[0].x1, mb.lanes.client);
  });

  it('shows zero windows and does not call a repeated pure ACK a retransmission', () => {
    const rows = arrows(
      ladderLayout(
        [
          rung(1, 0, 1, 'A', 5, 9, 0, { win: 0 }),
          rung(2, 10, 1, 'A', 5, 9, 0, { win: 0 }),
          rung(3, 20, 0, 'R', 9, 0),
        ],
        PLAIN,
      ).rows,
    );
    assert.deepEqual(
      rows.map((r) => r.label),
      ['A seq=0 ack=0 len=0 win=0', 'A seq=0 ack=0 len=0 win=0', 'R seq=0 len=0'],
    );
  });
});

describe('renderHtmlReport', () => {
  const hostile: Finding = {
    id: 1,
    kind: 'reset',
    cause: 'app-abort',
    severity: 'problem',
    confidence: 0.5,
    packets: [{ capture: 0, frame: 2 }],
    connection: { client: '10.0.0.1:1', server: '10.0.0.2:80' },
    time: 1,
    evidence: [],
    alternatives: [],
    app: { request: NASTY },
    summary: NASTY,
    nextStep: NASTY,
  };
  const capture: CaptureInfo = {
    index: 0,
    path: `${NASTY}.pcap`,
    format: 'pcap',
    compression: 'none',
    packets: 1,
    tcpPackets: 1,
    connections: 1,
    firstTs: 1,
    lastTs: 1,
    problems: [],
  };
  const html = renderHtmlReport([capture], [hostile], { generated: new Date(0) });

  it('keeps packet strings out of the markup: data in base64, exactly three script elements', () => {
    assert.equal(html.match(/<\/script/gi)?.length, 3);
    assert.equal(html.match(/<script/gi)?.length, 3);
    // Base64 cannot form markup, whatever the strings it carries.
    assert.match(dataBlock(html), /^[A-Za-z0-9+/]+=*$/);
    assert.ok(!html.includes('\x1b'), 'no raw ESC anywhere in the file');
    assert.ok(!html.includes('<SCRIPT>') && !html.includes('alert(1)'), 'no packet text in the markup');
    const data = JSON.parse(dataJson(html));
    assert.equal(data.captures[0].path, `${NASTY}.pcap`);
    assert.equal(data.strings[data.findings[0].sum], NASTY, 'summary and next step: one interned text');
    // The title is the page script's to set (document.title), never written as markup.
    assert.match(html, /<title>rstscope report<\/title>/);
  });

  it('allows exactly its two scripts and its style by hash, and nothing from the network', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 2);
    const [chart, script] = scripts;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    assert.equal(script, pageScript());
    assert.match(
      chart,
      /^\/\*! uPlot 1\.6\.32[\s\S]*Copyright \(c\) 2022 Leon Sorokin[\s\S]*\*\/\nvar uPlot=/,
    );
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src ${hash(chart)} ${hash(script)};`));
    assert.ok(csp.includes(`style-src ${hash(style)};`));
    assert.ok(style.startsWith('.uplot'), "uPlot's stylesheet first, ours after it");
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    // Self-contained: no external resource is referenced.
    assert.doesNotMatch(html, /\s(src|href)=/i);
  });

  it('embeds the report data as gzip in base64, holding the compact model', () => {
    const data = JSON.parse(dataJson(html));
    assert.deepEqual(data, JSON.parse(JSON.stringify(reportData([capture], [hostile], new Date(0)))));
  });

  it('is deterministic for a given generation time', () => {
    assert.equal(renderHtmlReport([capture], [hostile], { generated: new Date(0) }), html);
  });
});
