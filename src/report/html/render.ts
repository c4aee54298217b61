/**
 * `renderHtmlReport`: one self-contained HTML file (no network access needed to open it) with an
 * overview, a timeline, filters and one section per finding with its ladder diagram.
 *
 * The HTML written here is a fixed skeleton: no packet-derived text is ever interpolated into
 * markup. The findings travel as JSON inside `<script type="application/json">` (escaped by
 * jsonForScript so `</script>` in data cannot end the block) and the page script builds the
 * DOM from it with textContent. A Content Security Policy allows exactly the page's own script
 * and style (by SHA-256 hash, CSP Level 2 §4.2.3) and nothing else, no network included, so even
 * a markup-injection bug elsewhere could not run a script or fetch anything.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Finding } from '../../explain/finding.ts';
import type { CaptureInfo } from '../explain-json.ts';
import { jsonForScript } from './json-script.ts';
import { ladderLayout } from './ladder-layout.ts';
import { reportData } from './model.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page script: the shared ladder geometry, then the page logic. */
export function pageScript(): string {
  const script = `\nconst ladderLayout = ${ladderLayout.toString()};\n${PAGE_SCRIPT}`;
  // Our own code must not be able to end its script element either.
  if (/<\/script|<!--/i.test(script)) throw new Error('page script contains </script or <!--');
  return script;
}

export interface HtmlReportOptions {
  /** Report time shown in the page (default now); fixed in tests for reproducible output. */
  generated?: Date;
  /**
   * Embed the data gzip-compressed in base64 (default: when its JSON exceeds COMPRESS_ABOVE).
   * 50,000 findings are ~38 MB of JSON but ~5 MB compressed, and the browser parses the HTML of
   * the small file several times faster; small reports keep readable JSON.
   */
  compress?: boolean;
}

/** Data larger than this (characters of JSON) is embedded compressed unless told otherwise. */
export const COMPRESS_ABOVE = 2_000_000;

/** The data block: JSON, or gzip+base64 (which has no `<` to escape in the first place). */
function dataBlock(json: string, compress: boolean | undefined): string {
  if (compress ?? json.length > COMPRESS_ABOVE) {
    const packed = gzipSync(Buffer.from(json, 'utf8'), { level: 6 }).toString('base64');
    return `<script type="application/gzip" id="rstscope-data" data-encoding="gzip+base64">${packed}</script>`;
  }
  return `<script type="application/json" id="rstscope-data">${json}</script>`;
}

export function renderHtmlReport(
  captures: CaptureInfo[],
  findings: Finding[],
  options: HtmlReportOptions = {},
): string {
  const data = jsonForScript(reportData(captures, findings, options.generated));
  const script = pageScript();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(PAGE_STYLE)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = 'rstscope report';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rstscope">
<title>${title}</title>
<style>${PAGE_STYLE}</style>
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
<canvas id="timeline" height="120" aria-label="Findings over the capture's time, stacked by severity"></canvas>
<div id="timeline-tip"></div>
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
${dataBlock(data, options.compress)}
<script>${script}</script>
</body>
</html>
`;
}
