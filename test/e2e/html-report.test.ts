/**
 * The HTML report in a real browser (Debian's headless Chromium through playwright-core):
 * overview, finding sections, ladder diagrams, filters and search work; no request leaves the
 * page; and hostile strings from packets are shown as text, never run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import type { CaptureInfo } from '../../src/report/explain-json.ts';
import { renderHtmlReport } from '../../src/report/html/index.ts';
import { sanitizeForTerminal } from '../../src/report/terminal-safe.ts';
import { writeHostileCapture } from '../fixtures/hostile/make.ts';
import { artifactPath, type Browser, browserSkipReason, launchBrowser, openReport } from './browser.ts';

const root = path.join(import.meta.dirname, '..', '..');
const BUSY = path.join(root, 'test/fixtures/lab/busy/client.pcap');
const INJECTED = ['client', 'server'].map((s) =>
  path.join(root, `test/fixtures/lab/injected-both/${s}.pcap`),
);
const skip = browserSkipReason();
/** What a terminal or a text renderer may act on: C0 but tab/newline, DEL, C1, bidi controls. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The project compiles without DOM types (lib es2024); callbacks that run in the page reach the
 * browser's globals through these minimal shapes (type-only: erased before they are sent).
 */
interface DomEl {
  textContent: string | null;
  hidden: boolean;
  style: { width: string };
  id: string;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomEl | null;
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}
interface Dom {
  document: { getElementById(id: string): DomEl | null };
  location: { hash: string };
  __pwned?: unknown;
}

async function writeReport(dir: string, name: string, captures: CaptureInfo[], findings: Finding[]) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, renderHtmlReport(captures, findings));
  return file;
}

describe('HTML report in headless Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;
  let busy: { file: string; findings: Finding[]; captures: CaptureInfo[] };

  const open = (file: string) => openReport(browser, file);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rstscope-html-'));
    const { captures, findings } = await runExplain([BUSY]);
    busy = { file: await writeReport(dir, 'busy.html', captures, findings), findings, captures };
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders the overview, the timeline, a page of findings and a ladder with frame numbers', async () => {
    const { page, requests, errors } = await open(busy.file);
    const n = busy.findings.length;
    assert.match((await page.textContent('#totals')) ?? '', new RegExp(`^${n} findings`));
    const cards = await page.$$eval('#overview-grid .card h3', (hs) => hs.map((h) => h.textContent));
    assert.deepEqual(cards, ['By severity', 'By cause', 'Top hosts', 'Top server ports']);
    const causeRows = await page.$$eval('#overview-grid .card:nth-child(2) tr', (rows) =>
      rows.map((r) => [r.querySelector('.name')?.textContent, Number(r.querySelector('.num')?.textContent)]),
    );
    const expected = new Map<string, number>();
    for (const f of busy.findings) expected.set(f.cause, (expected.get(f.cause) ?? 0) + 1);
    assert.deepEqual(new Map(causeRows as [string, number][]), expected);
    // Bars are scaled to the largest count of their table.
    const bars = await page.$$eval('#overview-grid .card', (cards) =>
      cards.map((c) =>
        Array.from(c.querySelectorAll('.fill')).map((e) =>
          Number.parseFloat((e as unknown as DomEl).style.width),
        ),
      ),
    );
    for (const widths of bars) {
      if (widths.length === 0) continue;
      assert.equal(Math.max(...widths), 100);
      assert.ok(
        widths.every((w) => w > 0 && w <= 100),
        widths.join(' '),
      );
    }
    // The timeline is a uPlot chart: some pixels of its canvas are not transparent.
    assert.equal(await page.locator('#timeline .uplot').count(), 1);
    const painted = await page.$eval('#timeline canvas', (c) => {
      const canvas = c as unknown as Canvas;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
      return opaque;
    });
    assert.ok(painted > 100, `timeline has ${painted} painted pixels`);
    // Only one page of sections is in the DOM.
    assert.equal(await page.locator('section.finding').count(), Math.min(50, n));

    // A reset finding with its ladder: lanes, one arrow per rung, the reset highlighted.
    const reset = busy.findings.find((f) => f.kind === 'reset' && f.cause === 'app-abort')!;
    await page.evaluate((id) => {
      (globalThis as unknown as Dom).location.hash = `#finding-${id}`;
    }, reset.id);
    const section = page.locator(`#finding-${reset.id}`);
    await section.waitFor();
    assert.equal(await section.locator('svg.ladder .pkt').count(), reset.ladder!.length);
    assert.equal(await section.locator('svg.ladder line.lane').count(), 2);
    const resetRung = reset.ladder!.find((r) => r.mark === 'reset')!;
    const resetLabel = await section.locator('svg.ladder .pkt.reset text.label').textContent();
    assert.match(resetLabel ?? '', new RegExp(`^${resetRung.flags} seq=\\d+ ack=\\d+ len=0$`));
    const frames = await section.locator('svg.ladder text.frame-no').allTextContents();
    assert.deepEqual(
      frames,
      reset.ladder!.map((r) => String(r.frame)),
    );
    // Relative sequence numbers: the SYN is seq=0 and the handshake's ACK acknowledges 1.
    const labels = await section.locator('svg.ladder text.label').allTextContents();
    assert.equal(labels[0], 'S seq=0 len=0');
    assert.equal(labels[1], 'SA seq=0 ack=1 len=0');
    // Raw numbers on hover.
    const title = await section.locator('svg.ladder .pkt.reset title').textContent();
    assert.ok(title?.includes(`seq ${resetRung.seq}`), title ?? '');
    // The app summary of the request is on its arrow.
    assert.ok((await section.locator('svg.ladder text.app').allTextContents()).includes(reset.app!.request!));
    assert.ok(reset.app!.request!.length <= 70, 'short enough to be shown whole');
    // The trace-back and the frame of the reset are in the section.
    assert.match((await section.locator('.traceback').textContent()) ?? '', /answers\s*frame \d+/);
    assert.ok((await section.locator('.conn .frames').textContent())?.includes(String(resetRung.frame)));

    // Summary, next step and evidence read exactly as the finding says (templates expanded).
    assert.equal(await section.locator('.summary').textContent(), reset.summary);
    assert.equal(await section.locator('.next').textContent(), `Next step: ${reset.nextStep}`);
    const evidence = await section.locator('ul.evidence li').allTextContents();
    assert.deepEqual(
      evidence.map((t) => t.replace(/ \[frames? [^\]]*\]$/, '')),
      reset.evidence.map((e) => `${e.signal} ${e.detail}`),
    );
    // Every finding on the first page, too.
    const summaries = await page.locator('section.finding .summary').allTextContents();
    assert.deepEqual(
      summaries,
      busy.findings.slice(0, 50).map((f) => f.summary),
    );

    // Tools line: a Wireshark display filter of the connection and the export command.
    const filter = (await section.locator('code.wsfilter').textContent()) ?? '';
    assert.match(filter, /^ip\.addr==[\d.]+ && ip\.addr==[\d.]+ && tcp\.port==\d+ && tcp\.port==\d+$/);
    assert.equal(
      await section.locator('code.export').textContent(),
      `rstscope export ${BUSY} --finding ${reset.id} -w finding-${reset.id}.pcap`,
    );
    const tshark = spawnSync('tshark', ['-r', BUSY, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
      encoding: 'utf8',
    });
    if (tshark.status !== null && !tshark.error) {
      assert.equal(tshark.status, 0, tshark.stderr);
      const frames = tshark.stdout.trim().split('\n').map(Number);
      assert.deepEqual(
        frames,
        reset.ladder!.map((r) => r.frame),
        'the filter selects exactly the connection',
      );
    }

    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('html-report-busy.png'), fullPage: false });
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('filters by cause, severity, host and port, and searches', async () => {
    const { page } = await open(busy.file);
    const visibleCauses = () =>
      page.$$eval('section.finding', (s) => s.map((e) => (e as unknown as DomEl).dataset.cause));
    const count = async () => (await page.textContent('#count')) ?? '';

    await page.selectOption('#f-cause', 'refused');
    const refused = busy.findings.filter((f) => f.cause === 'refused').length;
    assert.ok(refused > 0);
    assert.equal(await count(), `${refused} of ${busy.findings.length} findings`);
    const causes = await visibleCauses();
    assert.equal(causes.length, Math.min(50, refused));
    assert.ok(causes.every((c) => c === 'refused'));

    await page.selectOption('#f-cause', '');
    await page.selectOption('#f-sev', 'benign');
    const benign = busy.findings.filter((f) => f.severity === 'benign').length;
    assert.equal(await count(), `${benign} of ${busy.findings.length} findings`);
    assert.ok(
      (
        await page.$$eval('section.finding', (s) => s.map((e) => (e as unknown as DomEl).dataset.severity))
      ).every((v) => v === 'benign'),
    );
    await page.click('#clear');
    assert.equal(await count(), `${busy.findings.length} findings`);

    // Port: findings whose client or server endpoint uses port 23.
    await page.fill('#f-port', '23');
    const port23 = busy.findings.filter((f) =>
      [f.connection.client, f.connection.server].some((e) => e.endsWith(':23')),
    );
    await page.waitForFunction(
      (t) => (globalThis as unknown as Dom).document.getElementById('count')?.textContent === t,
      `${port23.length} of ${busy.findings.length} findings`,
    );
    await page.click('#clear');

    // Search: free text over summaries, requests and answers.
    await page.fill('#f-search', 'get /busy');
    const hits = busy.findings.filter((f) =>
      [f.summary, f.nextStep, f.app?.request ?? '', f.app?.response ?? '']
        .join('\n')
        .toLowerCase()
        .includes('get /busy'),
    );
    assert.ok(hits.length > 0);
    await page.waitForFunction(
      (t) => (globalThis as unknown as Dom).document.getElementById('count')?.textContent === t,
      `${hits.length} of ${busy.findings.length} findings`,
    );
    const ids = await page.$$eval('section.finding', (s) =>
      s.map((e) => Number(e.id.replace('finding-', ''))),
    );
    assert.deepEqual(ids, hits.map((f) => f.id).slice(0, 50));

    // Host (prefix) combined with cause.
    await page.fill('#f-search', '');
    await page.fill('#f-host', '198.18.1.');
    await page.selectOption('#f-cause', 'app-abort');
    const abort = busy.findings.filter((f) => f.cause === 'app-abort').length;
    await page.waitForFunction(
      (t) => (globalThis as unknown as Dom).document.getElementById('count')?.textContent === t,
      `${abort} of ${busy.findings.length} findings`,
    );
    await page.fill('#f-host', '10.');
    await page.waitForFunction(
      (t) => (globalThis as unknown as Dom).document.getElementById('count')?.textContent === t,
      `0 of ${busy.findings.length} findings`,
    );
    assert.equal(await page.locator('section.finding').count(), 0);
    await page.close();
  });

  it("timeline: a click keeps one bar's interval, a drag a range, and the chart re-bins it", async () => {
    const { page, errors } = await open(busy.file);
    const n = busy.findings.length;
    const count = async () => (await page.textContent('#count')) ?? '';
    const shownCount = async () => Number((await count()).split(' ')[0]);
    const bins = async () => Number(await page.locator('#timeline').getAttribute('data-bins'));
    const box = (await page.locator('#timeline .u-over').boundingBox())!;
    /** "2026-11-22 03:30:44.123456 UTC" → seconds, to the µs. */
    const secs = (t: string) =>
      Date.parse(`${t.slice(0, 19).replace(' ', 'T')}Z`) / 1000 + Number(t.slice(20, 26)) / 1e6;
    const windowShown = async () => {
      await page.waitForFunction(
        () => !(globalThis as unknown as Dom).document.getElementById('time-window')!.hidden,
      );
      return ((await page.textContent('#time-window-label')) ?? '').split(' → ').map(secs);
    };

    // Click the bar of the first finding: exactly the findings of that bar's interval remain.
    // The chart spans the capture (no clock offset: one capture), split into data-bins bars.
    const cap = busy.captures[0];
    const [lo, hi] = [cap.firstTs!, cap.lastTs!];
    const nBins = await bins();
    const width = (hi - lo) / nBins;
    const target = busy.findings.find((f) => f.kind === 'reset')!;
    const bar = Math.min(nBins - 1, Math.floor((target.time - lo) / width));
    await page.mouse.click(box.x + ((bar + 0.5) / nBins) * box.width, box.y + box.height - 2);
    const [c0, c1] = await windowShown();
    assert.ok(Math.abs(c0 - (lo + bar * width)) < 2e-6 && Math.abs(c1 - c0 - width) < 4e-6, `${c0} ${c1}`);
    const inBar = busy.findings.filter((f) => f.time >= lo + bar * width && f.time < lo + (bar + 1) * width);
    assert.ok(inBar.includes(target));
    assert.equal(await count(), `${inBar.length} of ${n} findings`);
    assert.ok((await page.locator(`#finding-${target.id}`).count()) === 1);
    await page.click('#time-clear');
    assert.equal(await count(), `${n} findings`);

    // Drag across the first half: the findings of that range remain, and the chart shows the
    // range in as many bars as before (finer ones), so a second click narrows further.
    await page.mouse.move(box.x + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const [t0, t1] = await windowShown();
    assert.ok(t1 - t0 < (hi - lo) * 0.6 && t1 - t0 > (hi - lo) * 0.4, `${t1 - t0} of ${hi - lo} s`);
    const inRange = busy.findings.filter((f) => f.time >= t0 && f.time < t1).length;
    assert.ok(Math.abs((await shownCount()) - inRange) <= 1, `${await count()}; ${inRange} in range`);
    assert.ok((await shownCount()) < n);
    assert.equal(await bins(), nBins);
    await page.click('#time-clear');
    assert.equal(await count(), `${n} findings`);
    await page.locator('.timeline-box').screenshot({ path: artifactPath('html-report-timeline.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('says how many findings a capped report left out', async () => {
    const file = path.join(dir, 'capped.html');
    fs.writeFileSync(file, renderHtmlReport(busy.captures, busy.findings.slice(0, 10), { omitted: 1234 }));
    const { page, errors } = await open(file);
    const totals = (await page.textContent('#totals')) ?? '';
    assert.match(totals, /^10 findings/);
    assert.match(
      totals,
      /holds the first 10 findings, most severe first; 1,234 less severe ones are left out/,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws a middle line for a reset forged on the path, from two vantage points', async () => {
    const { captures, findings } = await runExplain(INJECTED);
    const forged = findings.find((f) => f.origin === 'middlebox');
    assert.ok(forged, 'the injected-both scenario has a middlebox finding');
    const file = await writeReport(dir, 'injected.html', captures, findings);
    const { page, errors } = await open(file);
    const section = page.locator(`#finding-${forged.id}`);
    assert.equal(await section.locator('svg.ladder line.lane').count(), 3);
    // The reset arrow starts on the middle line.
    const [mid, start] = await section.evaluate((s) => {
      const lane = s.querySelector('svg.ladder line.lane.mid')!;
      const arrow = s.querySelector('svg.ladder .pkt.reset line.arrow')!;
      return [Number(lane.getAttribute('x1')), Number(arrow.getAttribute('x1'))];
    });
    assert.equal(start, mid);
    // Two captures: frames are shown as capture:frame.
    const frames = await section.locator('svg.ladder text.frame-no').allTextContents();
    assert.ok(
      frames.every((f) => /^\d+:\d+$/.test(f)),
      frames.join(' '),
    );
    await section.screenshot({ path: artifactPath('html-report-middlebox.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows hostile packet strings as text: no script runs, no dialog, no element injected', async () => {
    const pcap = path.join(dir, 'hostile.pcap');
    writeHostileCapture(pcap);
    const { captures, findings } = await runExplain([pcap]);
    assert.equal(findings.length, 4);
    const file = await writeReport(dir, 'hostile.html', captures, findings);
    const { page, dialogs, requests, errors } = await open(file);
    assert.equal(await page.evaluate(() => (globalThis as unknown as Dom).__pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    assert.equal(await page.locator('script').count(), 3);
    assert.equal(await page.locator('[onerror], [onload]').count(), 0);
    // Every application summary is on the page as the terminal shows it: the characters as
    // written, with controls and bidi overrides as visible escapes.
    const appTexts = await page.locator('.app code').allTextContents();
    for (const f of findings)
      assert.ok(appTexts.includes(sanitizeForTerminal(f.app!.request!)), f.app!.request);
    const all = (await page.textContent('body')) ?? '';
    assert.equal(RAW_CONTROL.exec(all), null, 'no raw control or bidi character on the page');
    const ladderApps = await page.locator('svg.ladder text.app').allTextContents();
    assert.ok(ladderApps.some((t) => t.includes('<script>window.__pwned=1</script>')));
    await page.screenshot({ path: artifactPath('html-report-hostile.png'), fullPage: true });
    await page.close();
  });

  it('is inert even for strings the explain layer did not sanitise (raw controls, </script>, <!--)', async () => {
    const nasty =
      '</script><script>window.__pwned=9</script><!--<script>alert(1)//\u2028\u2029\x1b[2J\u202e"\'&amp;';
    const f: Finding = {
      id: 1,
      kind: 'reset',
      cause: 'app-abort',
      severity: 'problem',
      confidence: 0.5,
      origin: 'server',
      packets: [{ capture: 0, frame: 2 }],
      connection: { client: `10.0.0.1:1${nasty}`, server: '10.0.0.2:80' },
      time: 1_767_225_600,
      evidence: [{ signal: nasty, detail: nasty, frames: [{ capture: 0, frame: 2 }] }],
      alternatives: [{ cause: 'unexplained', confidence: 0.1, why: nasty }],
      ladder: [
        {
          capture: 0,
          frame: 1,
          ts: 1_767_225_599.5,
          from: 'client',
          flags: 'PA',
          seq: 1,
          ack: 1,
          len: 5,
          win: 1,
          ttl: 64,
          app: nasty,
        },
        {
          capture: 0,
          frame: 2,
          ts: 1_767_225_600,
          from: 'server',
          flags: 'RA',
          seq: 1,
          ack: 6,
          len: 0,
          win: 0,
          ttl: 64,
          mark: 'reset',
        },
      ],
      app: { request: nasty, response: nasty },
      summary: nasty,
      nextStep: nasty,
    };
    const captures: CaptureInfo[] = [
      {
        index: 0,
        path: `/tmp/${nasty}.pcap`,
        format: 'pcap',
        compression: 'none',
        packets: 2,
        tcpPackets: 2,
        connections: 1,
        firstTs: 1_767_225_599.5,
        lastTs: 1_767_225_600,
        problems: [{ offset: 0, message: nasty, fatal: false }],
      },
    ];
    const file = await writeReport(dir, 'nasty.html', captures, [f]);
    const { page, dialogs, errors } = await open(file);
    assert.equal(await page.evaluate(() => (globalThis as unknown as Dom).__pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('script').count(), 3);
    // The title names the capture (set through document.title: text, never markup).
    const shown = sanitizeForTerminal(nasty);
    const name = sanitizeForTerminal(`/tmp/${nasty}.pcap`.split('/').at(-1)!);
    assert.equal(await page.title(), `rstscope: ${name}`);
    assert.equal(RAW_CONTROL.exec(await page.title()), null);
    assert.equal(await page.textContent('#finding-1 .summary'), shown);
    assert.equal(await page.textContent('#finding-1 svg.ladder text.app'), `${shown.slice(0, 69)}…`);
    assert.ok((await page.textContent('#finding-1 svg.ladder .pkt title'))?.endsWith(shown));
    assert.ok((await page.textContent('#captures'))?.includes(shown));
    assert.equal(RAW_CONTROL.exec((await page.textContent('body')) ?? ''), null);
    await page.close();
  });
});
