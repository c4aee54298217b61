/**
 * The report page's stylesheet (inlined after uPlot's; allowed by hash in the page's Content
 * Security Policy).
 */
export const PAGE_STYLE = `
:root { color-scheme: light; --muted: #666; --line: #d8dde3; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header, #overview, #filters, #findings, .pager { max-width: 1180px; margin: 0 auto; padding: 0 16px; }
header h1 { font-size: 22px; margin: 18px 0 4px; }
h2 { font-size: 18px; margin: 18px 0 8px; }
h3 { font-size: 15px; margin: 0 0 6px; }
h4 { font-size: 13px; margin: 10px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: #445; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f4; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.problem { color: #b00020; }
#captures { margin: 4px 0; padding-left: 18px; }
#overview-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
table.bars { width: 100%; border-collapse: collapse; }
table.bars td { padding: 2px 4px 4px; vertical-align: top; }
table.bars td.name { overflow-wrap: anywhere; }
table.bars td.num { width: 1%; white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
.track { display: block; height: 6px; margin-top: 2px; border-radius: 2px; background: #eef1f4; }
.fill { display: block; height: 6px; border-radius: 2px; }
button.link { background: none; border: 0; padding: 0; color: #1a56a8; cursor: pointer; font: inherit; text-align: left; overflow-wrap: anywhere; }
button.link:hover { text-decoration: underline; }
.timeline-box { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin-top: 12px; }
#timeline { width: 100%; min-height: 150px; cursor: crosshair; }
#timeline .u-select { background: rgba(26, 86, 168, .15); }
.timeline-foot { display: flex; justify-content: space-between; gap: 12px; min-height: 1.4em; font-size: 12px; color: var(--muted); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; }
#filters { position: sticky; top: 0; z-index: 2; background: #f6f7f9ee; padding-top: 10px; padding-bottom: 10px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
#filters input, #filters select { font: inherit; padding: 4px 6px; border: 1px solid #bbc3cc; border-radius: 4px; background: #fff; }
#f-search { min-width: 240px; flex: 1; }
#f-port { width: 90px; }
#count { color: var(--muted); }
.pager { display: flex; gap: 10px; align-items: center; padding-top: 10px; padding-bottom: 10px; }
section.finding { scroll-margin-top: calc(var(--sticky-h, 56px) + 8px); background: #fff; border: 1px solid var(--line); border-left: 5px solid #999; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
section.finding.sev-security { border-left-color: #7b2cbf; }
section.finding.sev-problem { border-left-color: #d62828; }
section.finding.sev-expected-failure { border-left-color: #e07a00; }
section.finding.sev-benign { border-left-color: #2a9d8f; }
section.finding.flash { box-shadow: 0 0 0 3px #ffd166; }
.fid { font-weight: 700; }
.sev { color: #fff; border-radius: 3px; padding: 0 6px; font-size: 12px; }
.cause { font-family: ui-monospace, monospace; }
.conn { color: #333; margin-bottom: 4px; }
.frames { color: #555; font-size: 12px; }
.summary { margin: 4px 0; font-weight: 500; }
.next { margin: 4px 0; }
.app.error code { background: #fde2e2; }
ul.evidence, ul.alternatives { margin: 0; padding-left: 18px; }
code.signal { background: #e7eefc; }
.traceback dl, .details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.traceback dt, .details dt { color: var(--muted); }
.traceback dd, .details dd { margin: 0; overflow-wrap: anywhere; }
.ladder-wrap { overflow-x: auto; }
svg.ladder { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #fcfcfd; border: 1px solid #eceff3; }
svg.ladder .lane { stroke: #555; stroke-width: 2; }
svg.ladder .lane.mid { stroke: #9a6700; stroke-dasharray: 4 3; }
svg.ladder .lane-name { font-weight: 700; fill: #222; }
svg.ladder .lane-addr { fill: #555; }
svg.ladder .frame-no { fill: #1a56a8; }
svg.ladder .time { fill: #777; }
svg.ladder .arrow { stroke: #345; stroke-width: 1.3; }
svg.ladder .head { fill: #345; }
svg.ladder .label { fill: #222; }
svg.ladder .app { fill: #0b6e4f; }
/* A halo behind arrow labels: lanes and the dashed middle line never run through the text. */
svg.ladder .label, svg.ladder .app { paint-order: stroke; stroke: #fcfcfd; stroke-width: 4px; stroke-linejoin: round; }
svg.ladder .tap-guide { stroke-width: 1; stroke-dasharray: 1 3; opacity: .8; }
svg.ladder .tap-no { fill: #fff; font-size: 10px; font-weight: 700; }
svg.ladder .seen { stroke: #fff; stroke-width: 1; }
svg.ladder .born { fill: #d62828; stroke: #fff; stroke-width: 1; }
svg.ladder .stop { stroke: #9a6700; stroke-width: 3; }
svg.ladder .lost-mark { stroke: #b00020; stroke-width: 2.2; fill: none; }
svg.ladder .pkt.reset .arrow { stroke: #d62828; stroke-width: 2.6; }
svg.ladder .pkt.reset .head, svg.ladder .pkt.reset .label { fill: #d62828; font-weight: 700; }
svg.ladder .pkt.finding .arrow { stroke: #e07a00; stroke-width: 2.2; }
svg.ladder .pkt.finding .head, svg.ladder .pkt.finding .label { fill: #b35c00; font-weight: 700; }
svg.ladder .pkt.retrans .arrow { stroke: #a0522d; stroke-dasharray: 5 3; }
svg.ladder .pkt.retrans .label { fill: #a0522d; }
svg.ladder .pkt.lost .arrow { stroke-dasharray: 2 3; }
svg.ladder .pkt.lost .label { fill: #b00020; }
.ladder-key { font-size: 12px; margin: 4px 0 0; }
.ladder-key .swatch { margin-left: 0; }
svg.ladder .pkt:hover .label { text-decoration: underline; }
svg.ladder .band { fill: #fff; }
svg.ladder .break { stroke: #888; fill: none; stroke-width: 1.2; }
svg.ladder .spacer .band { fill: #f1f3f6; }
svg.ladder .band-label { fill: #666; font-style: italic; }
@media print { #filters, .pager, .timeline-box { display: none; } section.finding { break-inside: avoid; } }
`;
