/**
 * `renderHtmlReport`: one self-contained HTML file (no network access needed to open it) with an
 * overview, a timeline, filters and one section per finding with its ladder diagram.
 *
 * No packet- or user-derived text is ever written into the markup, so there is nothing to
 * escape there: the HTML written here is a fixed skeleton, and
 *   - the findings (and the capture paths) travel as gzip-compressed JSON in base64 inside
 *     `<script type="application/gzip">`. Base64's alphabet (A–Z, a–z, 0–9, +, /, =) cannot form
 *     a tag, a comment or a character reference, so no string in the data can end the block or
 *     become markup, whatever it holds — a property of the encoding (Node's own), not of an
 *     escaper. It is also 7× smaller than the JSON (50,000 findings: ~38 MB of JSON, ~5 MB here);
 *   - the page script builds the DOM from it with textContent (control and bidi characters
 *     shown as escapes, as on the terminal), and sets the title (capture names) through
 *     document.title;
 *   - a Content Security Policy allows exactly the page's two scripts (uPlot and ours) and its
 *     style, by SHA-256 hash (CSP Level 2 §4.2.3), and nothing else, no network included, so even
 *     a markup-injection bug elsewhere could not run a script or fetch anything.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Finding } from '../../explain/finding.ts';
import type { CaptureInfo } from '../explain-json.ts';
import { sanitizeForTerminal } from '../terminal-safe.ts';
import { ladderLayout } from './ladder-layout.ts';
import { reportData } from './model.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';
import { patternDetails } from './pattern-details.ts';
import { timelineBins } from './timeline-bins.ts';
import { uplot } from './vendor.ts';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page script: the pure functions it shares with the unit tests, then the page logic. */
export function pageScript(): string {
  const shared = [ladderLayout, timelineBins, patternDetails, sanitizeForTerminal]
    .map((fn) => `const ${fn.name} = ${fn.toString()};`)
    .join('\n');
  const script = `\n${shared}\n${PAGE_SCRIPT}`;
  // Our own code must not be able to end its script element either.
  if (/<\/script|<!--/i.test(script)) throw new Error('page script contains </script or <!--');
  return script;
}

/** The stylesheet: uPlot's, then ours (which overrides it where they meet). */
export function pageStyle(): string {
  return `${uplot().style}\n${PAGE_STYLE}`;
}

export interface HtmlReportOptions {
  /** Report time shown in the page (default now); fixed in tests for reproducible output. */
  generated?: Date;
  /** Findings of the run not given to the report (it says so, with how to get them). */
  omitted?: number;
}

/**
 * The most findings one report holds: a page stays responsive with 50,000 (README: HTML report),
 * and the findings are in report order, so what is left out is the least severe.
 */
export const HTML_MAX_FINDINGS = 50_000;

/** The data block's text: gzip (level 6) of the JSON, in base64. */
export function encodeData(json: string): string {
  return gzipSync(Buffer.from(json, 'utf8'), { level: 6 }).toString('base64');
}

export function renderHtmlReport(
  captures: CaptureInfo[],
  findings: Finding[],
  options: HtmlReportOptions = {},
): string {
  const data = encodeData(JSON.stringify(reportData(captures, findings, options.generated, options.omitted)));
  const chart = uplot().script;
  const script = pageScript();
  const style = pageStyle();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(chart)} ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rstscope">
<title>rstscope report</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>rstscope — TCP resets explained</h1>
<ul id="captures"></ul>
<noscript><p>This report draws its findings with JavaScript; open it in a browser with scripts enabled, or use <code>rstscope explain --json</code>.</p></noscript>
</header>
<section id="overview">
<h2>Overview</h2>
<p id="totals"></p>
<div id="overview-grid"></div>
<div class="timeline-box">
<h3>Resets and failures over time <span id="legend" class="muted"></span></h3>
<div id="timeline" role="img" aria-label="Findings over the capture's time, stacked by severity"></div>
<div class="timeline-foot"><span id="timeline-tip"></span><span id="timeline-scale"></span></div>
<div id="time-window" hidden>Only findings in <span id="time-window-label"></span> <button type="button" id="time-clear" class="link">(show all times)</button></div>
</div>
</section>
<h2 class="pager" id="findings-title">Findings</h2>
<div id="filters" role="search">
<select id="f-cause" aria-label="cause"></select>
<select id="f-sev" aria-label="severity"></select>
<input id="f-host" placeholder="host (prefix)" aria-label="host" autocomplete="off">
<input id="f-port" placeholder="port" aria-label="port" inputmode="numeric" autocomplete="off">
<input id="f-search" type="search" placeholder="search: address, text, request, frame 123, #id" aria-label="search" autocomplete="off">
<button type="button" id="clear">clear filters</button>
<span id="count"></span>
</div>
<div class="pager"><button type="button" class="prev">◀ previous</button><span class="pager-label"></span><button type="button" class="next">next ▶</button></div>
<main id="findings"></main>
<div class="pager"><button type="button" class="prev">◀ previous</button><span class="pager-label"></span><button type="button" class="next">next ▶</button></div>
<script type="application/gzip" id="rstscope-data">${data}</script>
<script>${chart}</script>
<script>${script}</script>
</body>
</html>
`;
}
