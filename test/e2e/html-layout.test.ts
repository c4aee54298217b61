/**
 * The HTML report's layout as a reader meets it, in headless Chromium: a finding jumped to is not
 * hidden under the sticky filter bar, overview cards show whole names and large counts, pattern
 * details read as words, failures say why they have no ladder, and ladders show the middle line,
 * the vantage points and lost packets. Screenshots are left in test/artifacts for a human eye.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Cause, Finding } from '../../src/explain/finding.ts';
import type { CaptureInfo } from '../../src/report/explain-json.ts';
import { renderHtmlReport } from '../../src/report/html/index.ts';
import {
  FORGED_BOTH_WAYS,
  FOUR_CAPTURES,
  LOST_UPLOAD,
  ON_THE_FIREWALL,
  REJECTED_AT_FIREWALL,
} from '../report/multi-capture-findings.ts';
import { artifactPath, type Browser, browserSkipReason, launchBrowser, openReport } from './browser.ts';

const root = path.join(import.meta.dirname, '..', '..');
const BUSY = path.join(root, 'test/fixtures/lab/busy/client.pcap');
const SILENT_DROP = path.join(root, 'test/fixtures/lab/silent-drop/client.pcap');

interface Rect {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
/** Browser element shapes the page callbacks use (the project compiles without DOM types). */
interface El {
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Rect;
  querySelector(s: string): El | null;
  querySelectorAll(s: string): El[];
  closest(s: string): El | null;
}

async function rect(page: Page, selector: string): Promise<Rect> {
  return page.$eval(selector, (e) => {
    const r = (e as unknown as El).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  });
}

describe('HTML report layout in headless Chromium', { skip: browserSkipReason() }, () => {
  let browser: Browser;
  let dir: string;
  let busy: { file: string; findings: Finding[] };

  function write(name: string, captures: CaptureInfo[], findings: Finding[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, renderHtmlReport(captures, findings));
    return file;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rstscope-layout-'));
    const { captures, findings } = await runExplain([BUSY]);
    busy = { file: write('busy.html', captures, findings), findings };
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lands a finding jumped to below the sticky filter bar (hash and in-page link)', async () => {
    const target = busy.findings.find((f) => f.id > 30 && f.cause === 'firewall-reject')!;
    const { page, errors } = await openReport(browser, busy.file);
    await page.evaluate((id) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `#finding-${id}`;
    }, target.id);
    await page.locator(`#finding-${target.id}`).waitFor();
    await page.waitForTimeout(100);
    const bar = await rect(page, '#filters');
    const heading = await rect(page, `#finding-${target.id} h3`);
    assert.ok(bar.top <= 1, 'the filter bar is stuck to the top');
    assert.ok(heading.top >= bar.bottom, `heading at ${heading.top}, bar ends at ${bar.bottom}`);
    assert.ok(heading.top < bar.bottom + 60, 'and right under it');
    // A pattern's link to a finding it groups does the same.
    const pattern = busy.findings.find((f) => f.kind === 'pattern' && (f.related?.length ?? 0) > 0)!;
    const linked = pattern.related!.at(-1)!;
    await page.evaluate((id) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `#finding-${id}`;
    }, pattern.id);
    await page
      .locator(`#finding-${pattern.id} .related button`, { hasText: `#${linked}` })
      .first()
      .click();
    await page.locator(`#finding-${linked}`).waitFor();
    await page.waitForTimeout(100);
    const h = await rect(page, `#finding-${linked} h3`);
    const b = await rect(page, '#filters');
    assert.ok(h.top >= b.bottom, `linked heading at ${h.top}, bar ends at ${b.bottom}`);
    await page.screenshot({ path: artifactPath('html-report-jump.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows whole cause names, long addresses and five-digit counts inside the overview cards', async () => {
    const template = busy.findings.find((f) => f.kind === 'reset')!;
    const findings: Finding[] = [];
    const add = (n: number, cause: Cause, client: string, server: string) => {
      for (let i = 0; i < n; i++)
        findings.push({
          ...template,
          id: findings.length + 1,
          cause,
          connection: { client, server },
          ladder: undefined,
        });
    };
    add(12_345, 'retransmission-exhausted', '198.18.1.2:40000', '198.18.2.2:80');
    add(
      10_001,
      'middlebox-idle-timeout',
      '[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:50000',
      '[2001:db8::2]:443',
    );
    add(1, 'close-with-unread-data', '198.18.1.2:40001', '198.18.2.2:80');
    const file = write('many.html', [{ ...FOUR_CAPTURES[0], path: 'many.pcap' }], findings);
    const { page, errors } = await openReport(browser, file);
    const problems = await page.$$eval('#overview-grid .card', (cards) =>
      cards.flatMap((c) => {
        const card = (c as unknown as El).getBoundingClientRect();
        return Array.from((c as unknown as El).querySelectorAll('td.name, td.name button, td.num')).flatMap(
          (e) => {
            const r = e.getBoundingClientRect();
            const out: string[] = [];
            if (r.right > card.right - 1 || r.left < card.left) out.push(`${e.textContent} leaves its card`);
            if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.textContent} is cut`);
            return out;
          },
        );
      }),
    );
    assert.deepEqual(problems, []);
    const causeNames = await page.$$eval('#overview-grid .card:nth-child(2) td.name', (t) =>
      t.map((e) => e.textContent),
    );
    assert.deepEqual(causeNames, [
      'retransmission-exhausted',
      'middlebox-idle-timeout',
      'close-with-unread-data',
    ]);
    const counts = await page.$$eval('#overview-grid .card:nth-child(2) td.num', (t) =>
      t.map((e) => e.textContent),
    );
    assert.deepEqual(counts, ['12,345', '10,001', '1']);
    await page.locator('#overview').screenshot({ path: artifactPath('html-report-cards.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('reads pattern details as words with units, and says why a failure has no ladder', async () => {
    const { page, errors } = await openReport(browser, busy.file);
    const loop = busy.findings.find((f) => f.cause === 'reconnect-loop')!;
    const rows = await page.$$eval(`#finding-${loop.id} .details dt, #finding-${loop.id} .details dd`, (e) =>
      e.map((x) => x.textContent),
    );
    assert.deepEqual(rows.slice(0, 2), ['connections', String(loop.details!.count)]);
    const text = rows.join(' ');
    assert.match(text, /pace one every [\d.]+ (µs|ms|s) on average/);
    assert.match(text, /same first request each time (yes|no)/);
    assert.doesNotMatch(text, /\d\.\d{4,}|sameRequest|interval:/);
    await page.close();

    const drop = await runExplain([SILENT_DROP]);
    const failure = drop.findings.find((f) => f.kind === 'failure');
    assert.ok(failure, 'silent-drop has a failure finding');
    const opened = await openReport(browser, write('drop.html', drop.captures, drop.findings));
    const section = opened.page.locator(`#finding-${failure.id}`);
    if (failure.ladder && failure.ladder.length > 0) {
      assert.equal(await section.locator('svg.ladder .pkt').count(), failure.ladder.length);
    } else {
      const why = (await section.locator('.no-ladder').textContent()) ?? '';
      assert.match(
        why,
        /^No ladder: the analysis kept no packet list for this failure; its packets are frames? \d+/,
      );
    }
    assert.deepEqual([...errors, ...opened.errors], []);
    await opened.page.close();
  });

  it('ends the SYN a firewall rejected on the middle line, where its reset starts', async () => {
    const rejected = busy.findings.find((f) => f.cause === 'firewall-reject' && f.origin === 'middlebox')!;
    const { page } = await openReport(browser, busy.file);
    await page.evaluate((id) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `#finding-${id}`;
    }, rejected.id);
    const section = page.locator(`#finding-${rejected.id}`);
    await section.waitFor();
    const geometry = await section.evaluate((s) => {
      const sec = s as unknown as El;
      const mid = Number(sec.querySelector('svg.ladder line.lane.mid')!.getAttribute('x1'));
      const arrows = Array.from(sec.querySelectorAll('svg.ladder .pkt line.arrow')).map((a) => [
        Number(a.getAttribute('x1')),
        Number(a.getAttribute('x2')),
        a.closest('.pkt')!.querySelector('text.label')!.textContent,
      ]);
      return { mid, arrows, key: sec.querySelector('.ladder-key')?.textContent ?? '' };
    });
    const syn = geometry.arrows.find((a) => String(a[2]).startsWith('S '))!;
    const reset = geometry.arrows.find((a) => String(a[2]).startsWith('R'))!;
    assert.equal(syn[1], geometry.mid, 'the SYN stops at the device');
    assert.equal(reset[0], geometry.mid, 'the reset starts at the device');
    assert.match(geometry.key, /answered by the device, not by the server/);
    await section
      .locator('.ladder-wrap')
      .screenshot({ path: artifactPath('html-report-firewall-reject.png') });
    await page.close();
  });

  it('draws vantage points: taps, the captures that saw each packet, lost packets', async () => {
    const file = write('vantage.html', FOUR_CAPTURES, [LOST_UPLOAD, FORGED_BOTH_WAYS]);
    const { page, errors } = await openReport(browser, file);
    const lost = page.locator('#finding-1');
    assert.equal(await lost.locator('svg.ladder line.lane').count(), 3, 'client, path, server');
    assert.deepEqual(await lost.locator('svg.ladder g.tap text').allTextContents(), ['0', '1', '2', '3']);
    assert.equal(await lost.locator('svg.ladder .pkt.lost').count(), 7);
    assert.equal(await lost.locator('svg.ladder path.lost-mark').count(), 7);
    assert.equal(await lost.locator('svg.ladder .pkt.lost polygon.head').count(), 0);
    // The handshake: a dot at each of the four captures.
    assert.equal(await lost.locator('svg.ladder .pkt').first().locator('circle.seen').count(), 4);
    assert.equal(await lost.locator('svg.ladder .pkt.lost').first().locator('circle.seen').count(), 2);
    const key = (await lost.locator('.ladder-key').textContent()) ?? '';
    assert.match(key, /capture 0 at the client side.*capture 3 at the server side.*✕: lost/);
    assert.match(
      (await lost.locator('svg.ladder .pkt.lost title').first().textContent()) ?? '',
      /lost: never seen at capture 2 \(server side\), capture 3 \(server side\)/,
    );
    await lost.locator('.ladder-wrap').screenshot({ path: artifactPath('html-report-vantage-lost.png') });

    const forged = page.locator('#finding-2');
    assert.equal(await forged.locator('svg.ladder .pkt.reset circle.born').count(), 2);
    assert.deepEqual(await forged.locator('svg.ladder .pkt.reset text.frame-no').allTextContents(), [
      '0:10',
      '3:10',
    ]);
    await forged.locator('.ladder-wrap').screenshot({ path: artifactPath('html-report-vantage-forged.png') });

    const fw = await openReport(browser, write('firewall.html', ON_THE_FIREWALL, [REJECTED_AT_FIREWALL]));
    const taps = await fw.page.$$eval('#finding-1 svg.ladder g.tap title', (t) =>
      t.map((e) => e.textContent),
    );
    assert.deepEqual(taps, [
      'capture 0 (client.pcap), at the client side',
      'capture 1 (firewall.pcap), on the path',
      'capture 2 (server.pcap), at the server side',
    ]);
    await fw.page
      .locator('#finding-1 .ladder-wrap')
      .screenshot({ path: artifactPath('html-report-vantage-firewall.png') });
    assert.deepEqual([...errors, ...fw.errors], []);
    await page.close();
    await fw.page.close();
  });
});
