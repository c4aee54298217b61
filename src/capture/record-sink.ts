import type { ProblemLog } from './problems.ts';
import type { CaptureInterface, CaptureRecord, RecordHandler } from './record.ts';

/**
 * Where a format parser puts its frames: owns the one reused CaptureRecord, numbers frames and
 * remembers which link types were met. Shared by the pcap and pcapng parsers so that both count
 * frames the same way.
 */
export class RecordSink {
  readonly record: CaptureRecord;
  readonly problems: ProblemLog;
  /** Distinct link types of delivered frames, in order of first appearance. */
  readonly linkTypes: number[] = [];
  /** Packet records met so far: the last frame number handed out (tshark numbers from 1). */
  frames = 0;
  /** Frames actually passed to the handler (a malformed packet block gets a number but no call). */
  delivered = 0;
  /** Told of every interface the file declares (pcapng), before any of its packets. */
  readonly onInterface: ((iface: CaptureInterface) => void) | null;
  private readonly onRecord: RecordHandler;
  private lastLinkType = -1;

  constructor(
    capture: number,
    onRecord: RecordHandler,
    problems: ProblemLog,
    onInterface: ((iface: CaptureInterface) => void) | null = null,
  ) {
    this.onRecord = onRecord;
    this.problems = problems;
    this.onInterface = onInterface;
    this.record = {
      capture,
      frame: 0,
      tsMicros: 0,
      tsNanos: 0,
      tsPrecision: 6,
      linkType: 0,
      interfaceId: 0,
      capturedLength: 0,
      originalLength: 0,
      data: Buffer.alloc(0),
      offset: 0,
      fileOffset: 0,
    };
  }

  /** Hands the filled-in record to the consumer. */
  deliver(): void {
    const linkType = this.record.linkType;
    if (linkType !== this.lastLinkType) {
      this.lastLinkType = linkType;
      if (!this.linkTypes.includes(linkType)) this.linkTypes.push(linkType);
    }
    this.delivered++;
    this.onRecord(this.record);
  }
}
