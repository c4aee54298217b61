import { writeFileSync } from 'node:fs';
import type { CaptureSummary } from '../capture/record.ts';
import type { ExplainedFindings } from '../explain/analysis.ts';
import { Analysis } from '../explain/analysis.ts';
import type { Finding } from '../explain/finding.ts';
import type { FindingHead, FindingSource } from '../explain/finding-store.ts';
import type { CaptureClock } from '../explain/multi/clock.ts';
import type { DeclaredVantage, PathLoss } from '../explain/multi/cross-check.ts';
import { TrailRecorder } from '../explain/multi/packet-trail.ts';
import { readPackets } from '../pipeline/read-packets.ts';
import type { CaptureInfo } from '../report/explain-json.ts';
import { captureInfo, writeExplainDocument } from '../report/explain-json.ts';
import { explainTextLines } from '../report/explain-text.ts';
import { HTML_MAX_FINDINGS, renderHtmlReport } from '../report/html/index.ts';
import { CaptureTrackers } from './capture-trackers.ts';
import type { FindingFilterOptions } from './finding-filter.ts';
import { findingFilter } from './finding-filter.ts';
import { Output } from './output.ts';
import { UsageError } from './packet-filter.ts';
import { captureExitCode, reportCaptureProblems } from './problems.ts';
import { ProgressLine } from './progress.ts';

export interface ExplainOptions extends FindingFilterOptions {
  /** Also write the self-contained HTML report to this file. */
  html?: string;
  /** No progress line. */
  quiet?: boolean;
  /** `--at ROLE=FILE`: captures whose vantage the user names (client, middle/router/tap, server). */
  at?: string[];
  json?: boolean;
  ndjson?: boolean;
  color?: boolean;
}

/** Exit code 2: findings of severity problem or security are present (for scripts and CI gates). */
export const EXIT_ATTENTION = 2;

export interface ExplainResult {
  captures: CaptureInfo[];
  findings: Finding[];
  exitCode: number;
}

export interface RunExplainOptions {
  onFinding?: (f: Finding) => void;
  streaming?: boolean;
  /** Declared positions by index of the path (`--at`); every vantage point of a file gets its file's. */
  declaredVantages?: ReadonlyMap<number, DeclaredVantage>;
  onProgress?: (capture: number, bytesRead: number, totalBytes: number | null) => void;
  /** Findings kept as objects before the rest go to a temporary file (see FindingStore). */
  spillAfter?: number;
  /** Connections waiting for the end of a single capture at most (see Analysis). */
  maxPending?: number;
  /** Called when reading is over and the explain step starts (with the number of connections). */
  onExplain?: (connections: number) => void;
}

/**
 * Read the captures, track connections, explain every reset and failure: every finding in
 * memory, as an array (for programs; `explainCaptures` keeps a large capture's findings out of
 * memory).
 */
export async function runExplain(
  paths: string[],
  options: RunExplainOptions = {},
): Promise<{
  captures: CaptureInfo[];
  findings: Finding[];
  paths: PathLoss[];
  summaries: CaptureSummary[];
  problemsExit: number;
}> {
  const run = await explainCaptures(paths, options);
  const findings = run.findings.toArray();
  run.findings.close();
  return { ...run, findings };
}

/**
 * Read the captures, track connections, explain every reset and failure. The findings come in
 * report order from their store (a large capture's go to a temporary file): close them when done.
 */
export async function explainCaptures(
  paths: string[],
  options: RunExplainOptions = {},
): Promise<{
  captures: CaptureInfo[];
  findings: ExplainedFindings;
  paths: PathLoss[];
  summaries: CaptureSummary[];
  problemsExit: number;
}> {
  // By capture index, filled as captures start (a pcapng file may hold several).
  const declaredByCapture = new Map<number, DeclaredVantage>();
  const analysis = new Analysis({
    streaming: options.streaming,
    onFinding: options.onFinding,
    declaredVantages: declaredByCapture,
    severalCaptures: paths.length > 1,
    spillAfter: options.spillAfter,
    maxPending: options.maxPending,
  });
  // Packet trails (for path loss and the multi-capture ladder) as soon as there is more than one
  // capture — several files, or several vantage points in one pcapng file.
  const trails = new TrailRecorder();
  trails.enabled = paths.length > 1;
  const trackers = new CaptureTrackers((c) => analysis.connectionEnded(c), trails);
  const infos: CaptureInfo[] = [];
  const results = await readPackets(paths, {
    splitVantagePoints: true,
    onProgress: options.onProgress,
    onCaptureStart(capture, _path, file) {
      const role = options.declaredVantages?.get(file);
      if (role !== undefined) declaredByCapture.set(capture, role);
      if (capture > 0) trails.enabled = true;
      analysis.captureStarted(capture);
      trackers.start(capture, file);
    },
    onTcp(record, view) {
      trackers.get(record.capture).packet(record, view);
    },
    onCaptureEnd(result) {
      const capture = result.summary.capture;
      analysis.noteCaptureSpan(capture, result.firstTs, result.lastTs);
      const tracker = trackers.end(capture);
      const info = captureInfo(result, tracker.connectionsCreated, result.firstTs, result.lastTs);
      if (result.point !== undefined) {
        info.interfaces = result.point.interfaces;
        if (result.point.source !== null) info.source = result.point.source;
      }
      infos.push(info);
    },
  });
  options.onExplain?.(infos.reduce((n, i) => n + i.connections, 0));
  const findings = analysis.finish();
  const vantages = analysis.vantages;
  if (vantages !== null) {
    for (const v of vantages) {
      const info = infos.find((i) => i.index === v.capture);
      if (info === undefined) continue;
      info.vantage = v.vantage;
      if (v.clock !== null) info.clock = clockReport(v.clock);
    }
  }
  return {
    captures: infos,
    findings,
    paths: analysis.pathLoss,
    summaries: results.map((r) => r.summary),
    problemsExit: captureExitCode(results.map((r) => r.summary)),
  };
}

/** `rstscope explain`. */
export async function explainCommand(positional: string[], options: ExplainOptions): Promise<number> {
  const keep = findingFilter(options);
  const { paths, declared } = withDeclaredVantages(positional, options.at ?? []);
  const out = new Output();
  const progress = new ProgressLine(paths, { quiet: options.quiet });
  // Several captures are correlated at the end, so their findings cannot stream earlier.
  if (options.ndjson && paths.length === 1) {
    // Stream findings as connections end; patterns (which need them all) come at the end.
    const { findings, summaries, problemsExit } = await explainCaptures(paths, {
      declaredVantages: declared,
      onProgress: progress.onProgress,
      onExplain: progress.explaining,
      streaming: true,
      onFinding: (f) => {
        if (keep(f)) {
          out.line(JSON.stringify(f));
          out.flush();
        }
      },
    });
    progress.done();
    // What did not stream: the patterns, and every finding when a second vantage point inside
    // the file stopped the streaming (they are numbered after the streamed ones).
    for (const h of findings.heads) {
      if (!findings.streamed(h) && keep(h)) out.line(JSON.stringify(findings.finding(h)));
    }
    out.flush();
    reportCaptureProblems(summaries);
    const code = problemsExit || exitFor(findings.heads.filter(keep));
    findings.close();
    return code;
  }
  const {
    captures,
    findings,
    paths: loss,
    summaries,
    problemsExit,
  } = await explainCaptures(paths, {
    declaredVantages: declared,
    onProgress: progress.onProgress,
    onExplain: progress.explaining,
  });
  try {
    progress.done();
    reportCaptureProblems(summaries);
    const heads = findings.heads.filter(keep);
    const selected: FindingSource = { heads, finding: (h) => findings.finding(h) };
    if (options.html !== undefined) {
      // The most severe findings, as many as a page stays responsive with: the rest is said.
      const shown = heads.slice(0, HTML_MAX_FINDINGS);
      const omitted = heads.length - shown.length;
      if (omitted > 0)
        process.stderr.write(
          `rstscope: the HTML report holds the first ${HTML_MAX_FINDINGS} findings (most severe first); ${omitted} more are left out: --json has them all, or narrow with --cause, --host, --port, --since\n`,
        );
      const html = renderHtmlReport(
        captures,
        shown.map((h) => findings.finding(h)),
        { omitted },
      );
      try {
        writeFileSync(options.html, html);
      } catch (err) {
        throw new UsageError(`--html: cannot write ${options.html}: ${(err as Error).message}`);
      }
    }
    if (options.ndjson) for (const h of heads) out.line(JSON.stringify(findings.finding(h)));
    else if (options.json) {
      writeExplainDocument((text) => out.write(text), captures, selected, loss);
      out.line('');
    } else
      for (const line of explainTextLines(captures, selected, options.color ?? false, loss)) out.line(line);
    out.flush();
    return problemsExit || exitFor(heads);
  } finally {
    findings.close();
  }
}

const ROLE_NAMES: Record<string, DeclaredVantage> = {
  client: 'client',
  server: 'server',
  middle: 'middle',
  router: 'middle',
  tap: 'middle',
  firewall: 'middle',
};

/** Positional captures first, then the `--at ROLE=FILE` ones, with their declared positions. */
function withDeclaredVantages(
  positional: string[],
  at: string[],
): { paths: string[]; declared: Map<number, DeclaredVantage> } {
  const paths = [...positional];
  const declared = new Map<number, DeclaredVantage>();
  for (const spec of at) {
    const eq = spec.indexOf('=');
    const role = ROLE_NAMES[spec.slice(0, eq).toLowerCase()];
    if (eq <= 0 || role === undefined || eq === spec.length - 1) {
      throw new UsageError(
        `--at: expected ROLE=FILE with ROLE client, server or middle (router, tap): ${spec}`,
      );
    }
    declared.set(paths.length, role);
    paths.push(spec.slice(eq + 1));
  }
  if (paths.length === 0) throw new UsageError('explain: name at least one capture (or --at ROLE=FILE)');
  return { paths, declared };
}

/** The clock as `--json` shows it (seconds; see README "Several vantage points"). */
export function clockReport(clock: CaptureClock): NonNullable<CaptureInfo['clock']> {
  const report: NonNullable<CaptureInfo['clock']> = {
    reference: clock.reference,
    // Offset at the epoch, which is on this capture's own clock.
    offset: round6(-clock.theta0 / 1e6),
    uncertainty: round6(clock.uncertainty / 1e6),
    driftPpm: clock.driftMeasured ? Math.round(clock.rate * 1e6 * 10) / 10 : null,
    epoch: round6((clock.epoch + clock.theta0) / 1e6),
    matchedConnections: clock.matchedConnections,
  };
  if (clock.via.length > 0) report.via = clock.via;
  if (clock.oneWay) report.oneWay = true;
  return report;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function exitFor(findings: readonly FindingHead[]): number {
  return findings.some((f) => f.severity === 'problem' || f.severity === 'security') ? EXIT_ATTENTION : 0;
}
