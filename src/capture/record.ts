/**
 * What the capture layer hands upward: one record per captured frame.
 *
 * The record object is reused for every frame (hot-path rule: no allocation per packet), and
 * `data` is the reader's own chunk buffer, so a consumer must copy anything it wants to keep
 * beyond the callback.
 */
export interface CaptureRecord {
  /** Index of the input file in this run (0-based), so several captures keep their identity. */
  capture: number;
  /** 1-based frame number within its file, in file order: exactly what tshark and Wireshark show. */
  frame: number;
  /**
   * Timestamp in integer microseconds since 1970 (exact in a float64; nanoseconds are not).
   * Finer resolutions are truncated to the microsecond; `tsNanos` keeps the sub-microsecond part.
   */
  tsMicros: number;
  /** 0..999: nanoseconds beyond `tsMicros` when the file had finer resolution, else 0. */
  tsNanos: number;
  /**
   * Digits after the second that this frame's clock resolves: 6 for µs, 9 for ns (pcap magic, or
   * the pcapng interface's if_tsresol), so reports can show the capture's real resolution. The
   * readers always set it; a record built by hand may leave it out, which means 6.
   */
  tsPrecision?: number;
  /** LINKTYPE_* value of this frame (per interface in pcapng). */
  linkType: number;
  /** pcapng interface id (0 for pcap). */
  interfaceId: number;
  /** Bytes present in the file for this frame. */
  capturedLength: number;
  /** Length of the frame on the wire (may exceed capturedLength when a snaplen cut it). */
  originalLength: number;
  /** The frame is data[offset, offset + capturedLength). Valid only during the callback. */
  data: Buffer;
  offset: number;
  /** Byte offset of the record (block) in the decompressed capture stream, for error messages. */
  fileOffset: number;
}

/** Something wrong with the input; everything readable before it has still been delivered. */
export interface CaptureProblem {
  path: string;
  /** Byte offset in the (decompressed) stream where the problem starts. */
  offset: number;
  message: string;
  /** true when reading stopped here; false for a skipped block or an odd but readable value. */
  fatal: boolean;
}

export interface CaptureSummary {
  capture: number;
  path: string;
  format: 'pcap' | 'pcapng' | 'unknown';
  compression: 'none' | 'gzip' | 'zstd';
  /** Frames delivered. */
  records: number;
  /** Bytes of the (decompressed) stream consumed. */
  bytes: number;
  /** Distinct link types met, in order of first appearance. */
  linkTypes: number[];
  /** Timestamp precision of the file, in digits after the second (6 for µs, 9 for ns, …). */
  tsPrecision: number;
  problems: CaptureProblem[];
  /**
   * false when nothing could be read from this input: not a capture, damaged before its first
   * frame, or (set by the pipeline) frames none of which could be decoded (an unsupported link
   * type, every packet cut short). Such an input is an error for the CLI's exit code.
   */
  readable: boolean;
}

/** The summary of a capture before anything was read from it (nothing readable yet). */
export function emptySummary(
  capture: number,
  path: string,
  problems: CaptureProblem[] = [],
  linkTypes: number[] = [],
): CaptureSummary {
  return {
    capture,
    path,
    format: 'unknown',
    compression: 'none',
    records: 0,
    bytes: 0,
    linkTypes,
    tsPrecision: 6,
    problems,
    readable: false,
  };
}

export type RecordHandler = (record: CaptureRecord) => void;

/**
 * A pcapng interface as declared by its Interface Description Block (pcapng spec 4.2), for
 * consumers that tell interfaces apart (e.g. one interface per vantage point in a file written by
 * `rstscope export`). Option texts come from the file: untrusted, escape before display.
 */
export interface CaptureInterface {
  /** Section number (1 for the first Section Header Block): interface ids restart in each. */
  section: number;
  /** Interface id within its section, as in CaptureRecord.interfaceId. */
  id: number;
  linkType: number;
  /** if_name, if_description and the first opt_comment (null when absent). */
  name: string | null;
  description: string | null;
  comment: string | null;
}

/**
 * A record timestamp as seconds since 1970 (a float64, e.g. for JSON). Dividing the integer
 * microseconds by 10^6 is correctly rounded (IEEE 754), so it is the same double as parsing the
 * exact decimal "seconds.micros": no string round trip is needed.
 */
export function secondsOf(tsMicros: number): number {
  return tsMicros / 1_000_000;
}
