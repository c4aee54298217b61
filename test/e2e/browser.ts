/**
 * Headless Chromium for the report tests: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download), a fresh profile per launch, nothing that phones home.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why browser tests are skipped, or false when they can run. */
export function browserSkipReason(): string | false {
  return fs.existsSync(CHROMIUM)
    ? false
    : `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rstscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where tests leave screenshots (git-ignored). */
export function artifactPath(name: string): string {
  const dir = path.join(import.meta.dirname, '..', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

export interface OpenedReport {
  page: Page;
  /** Every request other than the report file itself (network access, injected resources). */
  requests: string[];
  dialogs: string[];
  /** Script errors and console errors (a CSP violation is one). */
  errors: string[];
}

/** Opens a report file in a new page, blocking and recording any other request; waits until ready. */
export async function openReport(browser: Browser, file: string): Promise<OpenedReport> {
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `file://${file}`) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, requests, dialogs, errors };
}
