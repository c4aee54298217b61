import { readCapture } from '../capture/read-capture.ts';
import type { CaptureRecord, CaptureSummary } from '../capture/record.ts';
import { decodeFrame } from '../decode/decode-frame.ts';
import type { DecodeStatus } from '../decode/packet-view.ts';
import { PacketView } from '../decode/packet-view.ts';

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
  stdin?: NodeJS.ReadableStream;
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
  for (let i = 0; i < paths.length; i++) {
    const decoded = emptyCounts();
    let firstTs = 0;
    let lastTs = 0;
    options.onCaptureStart?.(i, paths[i]);
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
