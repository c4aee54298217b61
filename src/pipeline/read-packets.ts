import { CaptureInputError, readCapture } from '../capture/read-capture.ts';
import type { CaptureRecord, CaptureSummary } from '../capture/record.ts';
import { decodeFrame } from '../decode/decode-frame.ts';
import type { DecodeStatus } from '../decode/packet-view.ts';
import { PacketView } from '../decode/packet-view.ts';
import { DecodeIssues } from './decode-issues.ts';

/** Counts of frames by decode outcome, per capture (what `--stats` and reports show). */
export type DecodeCounts = Record<DecodeStatus, number>;

export interface CaptureResult {
  summary: CaptureSummary;
  decoded: DecodeCounts;
  /** Timestamps (µs) of the first and last frame of any kind; 0 when the capture had none. */
  firstTs: number;
  lastTs: number;
}

export interface ReadPacketsOptions {
  /** Called for every frame decoded as TCP. The record and view are reused: copy what you keep. */
  onTcp(record: CaptureRecord, view: PacketView): void;
  /** Called when a capture starts (index, path). */
  onCaptureStart?(capture: number, path: string): void;
  /** Called when a capture has been read completely (or as far as it could be). */
  onCaptureEnd?(result: CaptureResult): void;
  onProgress?(capture: number, bytesRead: number, totalBytes: number | null): void;
  /** Called when a streamed input (stdin, a pipe) has nothing more for now (see readCapture). */
  onWait?(): void;
  stdin?: NodeJS.ReadableStream;
  /**
   * An input that cannot be opened or fails while being read (missing file, permission, I/O
   * error) becomes a CaptureResult whose summary carries the error as a fatal problem and is not
   * `readable`, and the next input is read. Without this option readPackets rejects with the
   * CaptureInputError, as a run that needs every input (several vantage points, export) wants.
   */
  continueAfterInputError?: boolean;
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
  for (let i = 0; i < paths.length; i++) {
    const decoded = emptyCounts();
    const issues = new DecodeIssues();
    let firstTs = 0;
    let lastTs = 0;
    options.onCaptureStart?.(i, paths[i]);
    const onTcp = options.onTcp;
    let summary: CaptureSummary;
    try {
      summary = await readCapture(
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
          const status = view.status;
          decoded[status]++;
          if (status === 'tcp') {
            if (view.optionsTruncated) issues.noteOptionsCut(record);
            onTcp(record, view);
          } else if (status === 'truncated' || status === 'malformed' || status === 'unsupported-link') {
            issues.noteUnusable(record, view);
          }
        },
        {
          onProgress: options.onProgress ? (read, total) => options.onProgress!(i, read, total) : undefined,
          onWait: options.onWait,
          stdin: options.stdin,
        },
      );
    } catch (error) {
      if (!(error instanceof CaptureInputError) || !options.continueAfterInputError) throw error;
      summary = error.summary ?? unopenedSummary(i, paths[i], error);
    }
    const usable = decoded.tcp + decoded['not-ip'] + decoded['not-tcp'] + decoded.fragment;
    issues.report(summary, usable);
    const result = { summary, decoded, firstTs, lastTs };
    results.push(result);
    options.onCaptureEnd?.(result);
  }
  return results;
}

/** The summary of an input that could not be opened at all. */
function unopenedSummary(capture: number, path: string, error: CaptureInputError): CaptureSummary {
  return {
    capture,
    path,
    format: 'unknown',
    compression: 'none',
    records: 0,
    bytes: 0,
    linkTypes: [],
    tsPrecision: 6,
    problems: [{ path, offset: 0, message: error.message, fatal: true }],
    readable: false,
  };
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
