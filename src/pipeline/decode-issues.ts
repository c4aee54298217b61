/**
 * Frames the decoder could not use, tallied per capture and reported once per capture as
 * problems of its summary: never a line per packet (a header-only capture of a million packets
 * is one message), never silence (a capture whose link type we do not decode used to print
 * nothing and exit 0).
 *
 * Only frames that are not usable cost anything here; the common case is one status test in
 * read-packets. Problem texts are the decoder's constant strings, so the maps stay tiny.
 */
import { linkTypeLabel } from '../capture/link-types.ts';
import type { CaptureRecord, CaptureSummary } from '../capture/record.ts';
import type { DecodeStatus, PacketView } from '../decode/packet-view.ts';

interface Tally {
  count: number;
  /** Frame number and stream offset of the first frame counted. */
  frame: number;
  offset: number;
}

/** How many reasons one summary line lists; the rest are counted together. */
const MAX_REASONS = 4;

export class DecodeIssues {
  /** Keyed by how and problem text ("cut by the snaplen|TCP header cut short"). */
  private readonly unusable = new Map<string, Tally & { how: string; problem: string }>();
  /** Keyed by interface id * 2^16 + link type (pcapng link types are 16-bit). */
  private readonly unsupported = new Map<number, Tally & { linkType: number; interfaceId: number }>();
  private optionsCut: Tally | null = null;

  /** A frame whose status is 'truncated', 'malformed' or 'unsupported-link'. */
  noteUnusable(record: CaptureRecord, view: PacketView): void {
    if (view.status === 'unsupported-link') {
      const key = record.interfaceId * 65536 + record.linkType;
      const t = this.unsupported.get(key);
      if (t !== undefined) t.count++;
      else
        this.unsupported.set(key, {
          count: 1,
          frame: record.frame,
          offset: record.fileOffset,
          linkType: record.linkType,
          interfaceId: record.interfaceId,
        });
      return;
    }
    const how = howUnusable(view.status, record);
    const key = `${how}|${view.problem}`;
    const t = this.unusable.get(key);
    if (t !== undefined) t.count++;
    else
      this.unusable.set(key, {
        count: 1,
        frame: record.frame,
        offset: record.fileOffset,
        how,
        problem: view.problem,
      });
  }

  /** A TCP packet analysed although the snaplen cut its options. */
  noteOptionsCut(record: CaptureRecord): void {
    if (this.optionsCut !== null) this.optionsCut.count++;
    else this.optionsCut = { count: 1, frame: record.frame, offset: record.fileOffset };
  }

  /**
   * Adds one problem per unsupported link type (per pcapng interface), one for all unusable
   * frames and one for cut options to `summary`, and marks it unreadable when it had frames but
   * none could be used.
   */
  report(summary: CaptureSummary, usable: number): void {
    const add = (offset: number, message: string) =>
      summary.problems.push({
        path: summary.path,
        offset,
        message: `${summary.path}: ${message}`,
        fatal: false,
      });
    for (const t of this.unsupported.values()) {
      const where = summary.format === 'pcapng' ? `interface ${t.interfaceId}: ` : '';
      add(
        t.offset,
        `${where}${linkTypeLabel(t.linkType)} is not supported: ${plural(t.count, 'packet')} skipped (first: frame ${t.frame})`,
      );
    }
    if (this.unusable.size > 0) {
      const tallies = [...this.unusable.values()].sort((a, b) => b.count - a.count || a.frame - b.frame);
      let total = 0;
      for (const t of tallies) total += t.count;
      const reasons = tallies
        .slice(0, MAX_REASONS)
        .map((t) => `${t.count} ${t.how} (${t.problem}; first: frame ${t.frame})`);
      const others = tallies.slice(MAX_REASONS).reduce((n, t) => n + t.count, 0);
      if (others > 0) reasons.push(`${others} for other reasons`);
      const first = tallies.reduce((a, b) => (b.frame < a.frame ? b : a));
      add(first.offset, `${plural(total, 'packet')} not analysed: ${reasons.join(', ')}`);
    }
    if (this.optionsCut !== null) {
      const t = this.optionsCut;
      add(
        t.offset,
        `${plural(t.count, 'TCP packet')} with options cut by the snaplen (first: frame ${t.frame}): analysed, but the options after the cut (a SYN's window scale among them) are unknown`,
      );
    }
    if (summary.records > 0 && usable === 0) summary.readable = false;
  }
}

/**
 * Bytes ran out inside a header: the snaplen cut the frame when it was longer on the wire, else
 * the frame itself is too short for what it claims to carry.
 */
function howUnusable(status: DecodeStatus, record: CaptureRecord): string {
  if (status !== 'truncated') return 'malformed';
  return record.capturedLength < record.originalLength ? 'cut by the snaplen' : 'too short';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
