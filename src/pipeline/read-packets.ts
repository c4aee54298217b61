import { CaptureInputError, readCapture } from '../capture/read-capture.ts';
import type { CaptureRecord, CaptureSummary } from '../capture/record.ts';
import { emptySummary } from '../capture/record.ts';
import { decodeFrame } from '../decode/decode-frame.ts';
import type { DecodeStatus } from '../decode/packet-view.ts';
import { PacketView } from '../decode/packet-view.ts';
import { DecodeIssues } from './decode-issues.ts';
import type { PointInfo } from './vantage-points.ts';
import { PointSplitter, planSplit } from './vantage-points.ts';

/** Counts of frames by decode outcome, per capture (what `--stats` and reports show). */
export type DecodeCounts = Record<DecodeStatus, number>;

export interface CaptureResult {
  summary: CaptureSummary;
  decoded: DecodeCounts;
  /** Timestamps (µs) of the first and last frame of any kind; 0 when the capture had none. */
  firstTs: number;
  lastTs: number;
  /** Set when the capture is one vantage point of a pcapng file (see vantage-points.ts). */
  point?: PointInfo;
}

export interface ReadPacketsOptions {
  /** Called for every frame decoded as TCP. The record and view are reused: copy what you keep. */
  onTcp(record: CaptureRecord, view: PacketView): void;
  /** Called when a capture starts (index, path, index of the path in the input list). */
  onCaptureStart?(capture: number, path: string, file: number): void;
  /** Called when a capture has been read completely (or as far as it could be). */
  onCaptureEnd?(result: CaptureResult): void;
  /** `file` is the index of the input path (progress is per file, not per vantage point). */
  onProgress?(file: number, bytesRead: number, totalBytes: number | null): void;
  /** Called when a streamed input (stdin, a pipe) has nothing more for now (see readCapture). */
  onWait?(): void;
  stdin?: NodeJS.ReadableStream;
  /**
   * Vantage points inside one pcapng file become captures of their own (interfaces marked by
   * `rstscope export`, or unmarked interfaces that carry the same connections): capture indices
   * then count points, not files, and `record.capture` is the point's index. Off: one capture
   * per file, as `packets` and `connections` want.
   */
  splitVantagePoints?: boolean;
  /**
   * An input that cannot be opened or fails while being read (missing file, permission, I/O
   * error) becomes a CaptureResult whose summary carries the error as a fatal problem and is not
   * `readable`, and the next input is read. Without this option readPackets rejects with the
   * CaptureInputError, as a run that needs every input (several vantage points, export) wants.
   */
  continueAfterInputError?: boolean;
}

/** Per capture (a file, or one vantage point of a split file): what readPackets tallies. */
interface Tally {
  decoded: DecodeCounts;
  records: number;
  firstTs: number;
  lastTs: number;
  linkTypes: number[];
}

/**
 * Read each capture in turn, decode every frame into one reused view, and hand TCP frames on.
 * This is the hot loop: nothing here allocates per frame.
 *
 * Frames that cannot be used (an unsupported link type, headers cut by the snaplen or malformed)
 * are tallied and reported as problems of their capture's summary when it ends; a capture with
 * frames of which none could be used is not `readable`.
 */
export async function readPackets(
  paths: readonly string[],
  options: ReadPacketsOptions,
): Promise<CaptureResult[]> {
  const view = new PacketView();
  const results: CaptureResult[] = [];
  let next = 0;
  for (let i = 0; i < paths.length; i++) {
    next = await readFile(paths[i], i, next, view, options, results);
  }
  return results;
}

/**
 * One file, read as one capture or (splitVantagePoints) as one or several points; returns the
 * next free capture index.
 */
async function readFile(
  path: string,
  file: number,
  firstIndex: number,
  view: PacketView,
  options: ReadPacketsOptions,
  results: CaptureResult[],
): Promise<number> {
  const tallies: Tally[] = [];
  const issues = new DecodeIssues();
  let splitter: PointSplitter | null = null;
  if (options.splitVantagePoints) {
    let plan: Awaited<ReturnType<typeof planSplit>>;
    try {
      plan = await planSplit(path);
    } catch (error) {
      if (!(error instanceof CaptureInputError) || !options.continueAfterInputError) throw error;
      return unopened(path, file, firstIndex, error, options, results, false);
    }
    splitter = new PointSplitter(firstIndex, plan, (p) => {
      tallies.push(emptyTally());
      options.onCaptureStart?.(p.capture, path, file);
    });
  } else {
    tallies.push(emptyTally());
    options.onCaptureStart?.(firstIndex, path, file);
  }
  const onTcp = options.onTcp;
  let summary: CaptureSummary;
  try {
    summary = await readCapture(
      path,
      firstIndex,
      (record) => {
        let t = tallies[0];
        if (splitter !== null) {
          const capture = splitter.captureOf(record.interfaceId);
          record.capture = capture;
          t = tallies[capture - firstIndex];
          t.records++;
          if (!t.linkTypes.includes(record.linkType)) t.linkTypes.push(record.linkType);
        }
        const ts = record.tsMicros;
        if (t.firstTs === 0) t.firstTs = ts;
        if (ts > t.lastTs) t.lastTs = ts;
        decodeFrame(
          view,
          record.data,
          record.offset,
          record.capturedLength,
          record.linkType,
          record.originalLength,
        );
        const status = view.status;
        t.decoded[status]++;
        if (status === 'tcp') {
          if (view.optionsTruncated) issues.noteOptionsCut(record);
          onTcp(record, view);
        } else if (status === 'truncated' || status === 'malformed' || status === 'unsupported-link') {
          issues.noteUnusable(record, view);
        }
      },
      {
        onProgress: options.onProgress ? (read, total) => options.onProgress!(file, read, total) : undefined,
        onWait: options.onWait,
        stdin: options.stdin,
        onInterface: splitter === null ? undefined : (i) => splitter.interfaceDeclared(i),
      },
    );
  } catch (error) {
    if (!(error instanceof CaptureInputError) || !options.continueAfterInputError) throw error;
    if (error.summary === null || splitter !== null) {
      // Announced already: the file itself (one capture), or the points it declared before failing.
      return unopened(
        path,
        file,
        firstIndex,
        error,
        options,
        results,
        splitter === null || tallies.length > 0,
      );
    }
    summary = error.summary;
  }
  // The file's decode issues are judged over all of its frames, and reported once.
  let usable = 0;
  for (const t of tallies)
    usable += t.decoded.tcp + t.decoded['not-ip'] + t.decoded['not-tcp'] + t.decoded.fragment;
  issues.report(summary, usable);
  if (splitter === null) {
    const t = tallies[0];
    const result: CaptureResult = { summary, decoded: t.decoded, firstTs: t.firstTs, lastTs: t.lastTs };
    results.push(result);
    options.onCaptureEnd?.(result);
    return firstIndex + 1;
  }
  const points = splitter.finish();
  const split = splitter.split;
  points.forEach((p, k) => {
    const t = tallies[k];
    const result: CaptureResult = {
      // The file's problems are reported once, with its first point.
      summary: {
        ...summary,
        capture: p.capture,
        records: split ? t.records : summary.records,
        linkTypes: split ? t.linkTypes : summary.linkTypes,
        problems: k === 0 ? summary.problems : [],
      },
      decoded: t.decoded,
      firstTs: t.firstTs,
      lastTs: t.lastTs,
    };
    if (split) result.point = p;
    results.push(result);
    options.onCaptureEnd?.(result);
  });
  return firstIndex + points.length;
}

/** An input that could not be read at all: one unreadable capture. */
function unopened(
  path: string,
  file: number,
  capture: number,
  error: CaptureInputError,
  options: ReadPacketsOptions,
  results: CaptureResult[],
  announced: boolean,
): number {
  if (!announced) options.onCaptureStart?.(capture, path, file);
  const result: CaptureResult = {
    summary: error.summary ?? unopenedSummary(capture, path, error),
    decoded: emptyCounts(),
    firstTs: 0,
    lastTs: 0,
  };
  results.push(result);
  options.onCaptureEnd?.(result);
  return capture + 1;
}

/** The summary of an input that could not be opened at all. */
function unopenedSummary(capture: number, path: string, error: CaptureInputError): CaptureSummary {
  return emptySummary(capture, path, [{ path, offset: 0, message: error.message, fatal: true }]);
}

function emptyTally(): Tally {
  return { decoded: emptyCounts(), records: 0, firstTs: 0, lastTs: 0, linkTypes: [] };
}

function emptyCounts(): DecodeCounts {
  return {
    tcp: 0,
    'not-ip': 0,
    'not-tcp': 0,
    fragment: 0,
    truncated: 0,
    malformed: 0,
    'unsupported-link': 0,
  };
}
