import { readCapture } from '../capture/read-capture.ts';
import type { CaptureRecord, CaptureSummary } from '../capture/record.ts';
import { decodeFrame } from '../decode/decode-frame.ts';
import type { DecodeStatus } from '../decode/packet-view.ts';
import { PacketView } from '../decode/packet-view.ts';
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
  stdin?: NodeJS.ReadableStream;
  /**
   * Vantage points inside one pcapng file become captures of their own (interfaces marked by
   * `rstscope export`, or unmarked interfaces that carry the same connections): capture indices
   * then count points, not files, and `record.capture` is the point's index. Off: one capture
   * per file, as `packets` and `connections` want.
   */
  splitVantagePoints?: boolean;
}

/**
 * Read each capture in turn, decode every frame into one reused view, and hand TCP frames on.
 * This is the hot loop: nothing here allocates per frame.
 */
export async function readPackets(
  paths: readonly string[],
  options: ReadPacketsOptions,
): Promise<CaptureResult[]> {
  const view = new PacketView();
  const results: CaptureResult[] = [];
  let next = 0;
  for (let i = 0; i < paths.length; i++) {
    if (options.splitVantagePoints) {
      next = await readSplit(paths[i], i, next, view, options, results);
      continue;
    }
    const decoded = emptyCounts();
    let firstTs = 0;
    let lastTs = 0;
    options.onCaptureStart?.(i, paths[i], i);
    const onTcp = options.onTcp;
    const summary = await readCapture(
      paths[i],
      i,
      (record) => {
        const ts = record.tsMicros;
        if (firstTs === 0) firstTs = ts;
        if (ts > lastTs) lastTs = ts;
        decodeFrame(
          view,
          record.data,
          record.offset,
          record.capturedLength,
          record.linkType,
          record.originalLength,
        );
        decoded[view.status]++;
        if (view.status === 'tcp') onTcp(record, view);
      },
      {
        onProgress: options.onProgress ? (read, total) => options.onProgress!(i, read, total) : undefined,
        stdin: options.stdin,
      },
    );
    const result = { summary, decoded, firstTs, lastTs };
    results.push(result);
    options.onCaptureEnd?.(result);
  }
  return results;
}

/** Per point of a split file: what readPackets keeps per capture. */
interface PointTally {
  decoded: DecodeCounts;
  records: number;
  firstTs: number;
  lastTs: number;
  linkTypes: number[];
}

/** One file read as one or several points; returns the next free capture index. */
async function readSplit(
  path: string,
  file: number,
  firstIndex: number,
  view: PacketView,
  options: ReadPacketsOptions,
  results: CaptureResult[],
): Promise<number> {
  const plan = await planSplit(path);
  const tallies: PointTally[] = [];
  const splitter = new PointSplitter(firstIndex, plan, (p) => {
    tallies.push({ decoded: emptyCounts(), records: 0, firstTs: 0, lastTs: 0, linkTypes: [] });
    options.onCaptureStart?.(p.capture, path, file);
  });
  const onTcp = options.onTcp;
  const summary = await readCapture(
    path,
    firstIndex,
    (record) => {
      const capture = splitter.captureOf(record.interfaceId);
      record.capture = capture;
      const t = tallies[capture - firstIndex];
      const ts = record.tsMicros;
      if (t.firstTs === 0) t.firstTs = ts;
      if (ts > t.lastTs) t.lastTs = ts;
      t.records++;
      if (!t.linkTypes.includes(record.linkType)) t.linkTypes.push(record.linkType);
      decodeFrame(
        view,
        record.data,
        record.offset,
        record.capturedLength,
        record.linkType,
        record.originalLength,
      );
      t.decoded[view.status]++;
      if (view.status === 'tcp') onTcp(record, view);
    },
    {
      onProgress: options.onProgress ? (read, total) => options.onProgress!(file, read, total) : undefined,
      stdin: options.stdin,
      onInterface: (i) => splitter.interfaceDeclared(i),
    },
  );
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
