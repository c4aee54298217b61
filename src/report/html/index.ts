/** The self-contained HTML report (`rstscope explain --html`). */

export { reportData } from './model.ts';
export { type HtmlReportOptions, renderHtmlReport } from './render.ts';
