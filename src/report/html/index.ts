/** The self-contained HTML report (`rstscope explain --html`). */

export { reportData } from './model.ts';
export { HTML_MAX_FINDINGS, type HtmlReportOptions, renderHtmlReport } from './render.ts';
