/**
 * The connection `history` string and its "seen" bit set, as Zeek keeps them on the Connection
 * (Conn.h CheckHistory/AddHistory/ScaledHistoryEntry). Letters from the originator are upper
 * case, from the responder lower case; most letters appear once per direction (the seen mask),
 * SYN/FIN/RST letters reappear when the packet's sequence number differs, and the C/T/W/G letters
 * are "scaled": written at the 1st, 10th, 100th … occurrence.
 */
import { HISTORY_SCALING_BASE } from './constants.ts';

/** Bits of the seen mask (TCP_Endpoint.h HistoryMasks); responder bits are shifted left by 16. */
export const HistMask = {
  syn: 0x1,
  fin: 0x2,
  rst: 0x4,
  finRst: 0x8,
  data: 0x10,
  ack: 0x20,
  multiFlag: 0x40,
} as const;

/** A counter of one scaled letter for one endpoint (count so far, next count that writes it). */
export class ScaledCounter {
  count = 0;
  threshold = 1;
}

export class History {
  private letters = '';
  private seen = 0;

  toString(): string {
    return this.letters;
  }

  /**
   * Writes `code` the first time `mask` is met for this direction and returns false; returns
   * true (and writes nothing) when the mask was already seen.
   */
  check(isOrig: boolean, mask: number, code: string): boolean {
    const bit = isOrig ? mask : mask * 0x10000;
    if ((this.seen & bit) === 0) {
      this.seen |= bit;
      this.letters += isOrig ? code : code.toLowerCase();
      return false;
    }
    return true;
  }

  add(isOrig: boolean, code: string): void {
    this.letters += isOrig ? code : code.toLowerCase();
  }

  /** Logarithmic letters (ScaledHistoryEntry): `code` is already in the right case. */
  scaled(code: string, counter: ScaledCounter): void {
    if (++counter.count !== counter.threshold) return;
    this.letters += code;
    const next = (counter.threshold * HISTORY_SCALING_BASE) >>> 0;
    if (next <= counter.threshold) counter.count = 0;
    else counter.threshold = next;
  }

  /**
   * Originator and responder swap. The trace evidence (Zeek's conn-size-flip baseline
   * `^hAfdtFr` for a connection whose first packet, a SYN-ACK, was logged before the flip) shows
   * that current Zeek restates the letters already written from the new originator's point of
   * view and puts `^` first; the seen bits travel with their endpoint.
   */
  flip(): void {
    let swapped = '^';
    for (const ch of this.letters) {
      const lower = ch.toLowerCase();
      swapped += ch === lower ? ch.toUpperCase() : lower;
    }
    this.letters = swapped;
    this.seen = ((this.seen >>> 16) | ((this.seen & 0xffff) << 16)) >>> 0;
  }
}
