/**
 * Scale measurement of the HTML report (not a test: timings belong in benchmarks).
 *
 *   node test/e2e/html-scale.bench.ts [resets=50000]
 *
 * Builds a synthetic capture with that many resets in a temporary directory (many-resets.ts),
 * explains it, renders the report, and opens it in headless Chromium: time to the load event,
 * to the first render of the findings (the page sets body[data-ready]), and to apply a cause
 * filter, a search, a time range dragged and a bar clicked on the timeline, and a page change.
 * Prints one line per figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExplain } from '../../src/cli/explain-command.ts';
import { renderHtmlReport } from '../../src/report/html/index.ts';
import { browserSkipReason, launchBrowser } from './browser.ts';
import { writeManyResets } from './many-resets.ts';

/** Browser globals as plain shapes (the project has no DOM types; erased before sending). */
interface Dom {
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    querySelector(selector: string): { textContent: string | null } | null;
  };
}

const resets = Number(process.argv[2] ?? 50_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rstscope-scale-'));
const pcap = path.join(dir, 'many-resets.pcap');
const html = path.join(dir, 'report.html');
const ms = (t: number) => `${t.toFixed(0)} ms`;

try {
  writeManyResets(pcap, { resets });
  let t = performance.now();
  const { captures, findings } = await runExplain([pcap]);
  const explainMs = performance.now() - t;
  t = performance.now();
  const text = renderHtmlReport(captures, findings);
  const renderMs = performance.now() - t;
  fs.writeFileSync(html, text);
  console.log(`capture: ${(fs.statSync(pcap).size / 1e6).toFixed(1)} MB, ${findings.length} findings`);
  console.log(`explain: ${ms(explainMs)}; renderHtmlReport: ${ms(renderMs)}`);
  console.log(`report: ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB`);
  const skip = browserSkipReason();
  if (skip) {
    console.log(`browser figures skipped: ${skip}`);
  } else {
    const browser = await launchBrowser();
    const page = await browser.context.newPage();
    t = performance.now();
    await page.goto(`file://${html}`, { waitUntil: 'load', timeout: 120_000 });
    const loadMs = performance.now() - t;
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const readyMs = performance.now() - t;
    const nav = await page.evaluate(() => {
      // Navigation Timing Level 2 entry (no DOM types in this project: read it as plain data).
      const n = performance.getEntriesByType('navigation' as 'mark')[0] as unknown as Record<string, number>;
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: paint ? paint.startTime : -1 };
    });
    console.log(
      `chromium: load event ${ms(loadMs)} (page clock: DOMContentLoaded ${ms(nav.dcl)}, load ${ms(nav.load)}, first contentful paint ${ms(nav.fcp)}); findings rendered ${ms(readyMs)}`,
    );
    const marks = await page.evaluate(() =>
      performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)] as const),
    );
    console.log(
      `page marks (ms since navigation): ${marks.map(([n, t]) => `${n.replace('rstscope:', '')} ${t}`).join(', ')}`,
    );
    const timed = async (label: string, act: () => Promise<unknown>, until: string) => {
      const before = await page.textContent('#count');
      const t0 = performance.now();
      await act();
      await page.waitForFunction(
        ([b, sel]) =>
          (globalThis as unknown as Dom).document.getElementById('count')?.textContent !== b &&
          (globalThis as unknown as Dom).document.querySelector(sel) !== null,
        [before, until] as const,
      );
      console.log(`${label}: ${ms(performance.now() - t0)} → ${await page.textContent('#count')}`);
    };
    await timed(
      'filter cause=app-abort',
      () => page.selectOption('#f-cause', 'app-abort'),
      'section.finding',
    );
    await timed('clear filters', () => page.click('#clear'), 'section.finding');
    // The search box waits 120 ms after the last keystroke before filtering (debounce).
    await timed(
      'search "get /item/4242" (incl. 120 ms debounce)',
      () => page.fill('#f-search', 'get /item/4242'),
      'section.finding',
    );
    await timed('clear filters', () => page.click('#clear'), 'section.finding');
    // The timeline: drag across a tenth of it (re-bins that range), then click one of its bars.
    const over = (await page.locator('#timeline .u-over').boundingBox())!;
    const mid = over.y + over.height / 2;
    await timed(
      'timeline drag (a tenth of the capture)',
      async () => {
        await page.mouse.move(over.x + over.width * 0.45, mid);
        await page.mouse.down();
        await page.mouse.move(over.x + over.width * 0.5, mid, { steps: 3 });
        await page.mouse.move(over.x + over.width * 0.55, mid, { steps: 3 });
        await page.mouse.up();
      },
      'section.finding',
    );
    await timed(
      'timeline click (one bar of that range)',
      () => page.mouse.click(over.x + over.width * 0.5, over.y + over.height - 2),
      'section.finding',
    );
    await timed('clear filters', () => page.click('#clear'), 'section.finding');
    const t1 = performance.now();
    await page.click('.pager .next >> nth=0');
    await page.waitForFunction(() =>
      (globalThis as unknown as Dom).document
        .querySelector('.pager-label')
        ?.textContent?.startsWith('findings 51'),
    );
    console.log(`next page: ${ms(performance.now() - t1)}`);
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    if (heap > 0) console.log(`JS heap used: ${(heap / 1e6).toFixed(0)} MB`);
    await browser.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
