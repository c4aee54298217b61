/**
 * The part of Zeek's TCP reassembler (TCP_Reassembler.cc, Reassembler.cc) that decides when a
 * content gap is recorded (history `G`/`g`) and whether a closing endpoint still has data pending.
 * Zeek reassembles every TCP connection from its first packet (`dpd_reassemble_first_packets`), so
 * this runs for all connections. Only sequence ranges are kept, never payload bytes.
 *
 * Sequence numbers here are Zeek's relative ones: the first data byte after the SYN is 1.
 */
import { ZeekDefaults } from './constants.ts';

export class ContentGaps {
  /** Next relative sequence number to deliver (everything below was delivered or skipped). */
  lastReassemSeq = 1;
  /** Everything below was acknowledged and dropped. */
  trimSeq = 1;
  /** Buffered, not yet acknowledged data as merged [lo, hi) pairs in ascending order. */
  private ranges: number[] = [];
  /** Zeek gave up reassembling this direction: no more gaps are reported. */
  skipDeliveries = false;
  /** End-of-data was signalled once (TCP_Reassembler did_EOF). */
  didEof = false;

  hasUndeliveredData(): boolean {
    const n = this.ranges.length;
    return n > 0 && this.lastReassemSeq < this.ranges[n - 1];
  }

  private dataSize(): number {
    let size = 0;
    for (let i = 0; i < this.ranges.length; i += 2) size += this.ranges[i + 1] - this.ranges[i];
    return size;
  }

  private undeliveredBytes(): number {
    const n = this.ranges.length;
    return n === 0 ? 0 : Math.max(0, this.ranges[n - 1] - this.lastReassemSeq);
  }

  /** Delivery of a leading hole filled by buffered data (BlockInserted). */
  private deliverContiguous(): void {
    for (let i = 0; i < this.ranges.length; i += 2) {
      const lo = this.ranges[i];
      const hi = this.ranges[i + 1];
      if (lo > this.lastReassemSeq) break;
      if (hi > this.lastReassemSeq) this.lastReassemSeq = hi;
    }
  }

  private insert(lo: number, hi: number): void {
    const r = this.ranges;
    let i = 0;
    while (i < r.length && r[i + 1] < lo) i += 2;
    let j = i;
    while (j < r.length && r[j] <= hi) {
      if (r[j] < lo) lo = r[j];
      if (r[j + 1] > hi) hi = r[j + 1];
      j += 2;
    }
    r.splice(i, j - i, lo, hi);
  }

  /**
   * A data segment [seq, seq+len) (TCP_Reassembler::DataSent). `acked` is the relative ack the
   * peer already gave for this direction; `noDataAcked` and `size` describe the sending endpoint.
   */
  dataSent(seq: number, len: number, acked: number, noDataAcked: boolean, size: number): void {
    if (this.skipDeliveries) return;
    let upper = seq + len;
    if (seq < acked) {
      if (upper <= acked) return; // delivered and acknowledged already
      seq = acked;
    }
    if (upper <= this.trimSeq) return;
    if (seq < this.trimSeq) seq = this.trimSeq;
    upper = Math.max(upper, seq);
    if (upper > seq) {
      this.insert(seq, upper);
      const before = this.lastReassemSeq;
      this.deliverContiguous();
      // Data nobody acknowledges is not kept (BlockInserted: tcp_max_initial_window).
      if (this.lastReassemSeq > before && noDataAcked && size > ZeekDefaults.maxInitialWindow) {
        this.trimTo(this.lastReassemSeq, false);
      }
    }
    if (noDataAcked && this.undeliveredBytes() > ZeekDefaults.maxAboveHoleWithoutAnyAcks) {
      this.ranges.length = 0;
      this.skipDeliveries = true;
    }
    if (this.dataSize() > ZeekDefaults.excessiveDataWithoutFurtherAcks) {
      this.ranges.length = 0;
      this.skipDeliveries = true;
    }
  }

  /**
   * The peer acknowledged up to relative `seq` (already clamped below the FIN). Everything
   * acknowledged but never seen is a content gap (Undelivered); returns how many gaps were met.
   */
  ackReceived(seq: number, isPartial: boolean): number {
    if (seq <= this.trimSeq) return 0;
    return this.trimTo(seq, isPartial);
  }

  private trimTo(seq: number, isPartial: boolean): number {
    const gaps = seq > this.lastReassemSeq ? this.undelivered(seq, isPartial) : 0;
    const r = this.ranges;
    let k = 0;
    while (k < r.length && r[k + 1] <= seq) k += 2;
    if (k > 0) r.splice(0, k);
    if (r.length > 0 && r[0] < seq) r[0] = seq;
    if (seq > this.trimSeq) this.trimSeq = seq;
    return gaps;
  }

  private undelivered(upTo: number, isPartial: boolean): number {
    // A partial connection's faked initial sequence number: acks of 1 or 2 are not gaps.
    if (upTo <= 2 && isPartial) return 0;
    let gaps = 0;
    if (!this.skipDeliveries) {
      const r = this.ranges;
      for (let i = 0; i < r.length; i += 2) {
        const lo = r[i];
        if (lo < this.lastReassemSeq) continue;
        if (lo >= upTo) break;
        ++gaps;
        this.lastReassemSeq = lo;
        this.deliverContiguous();
      }
      if (upTo > this.lastReassemSeq) ++gaps;
    }
    if (upTo > this.lastReassemSeq) this.lastReassemSeq = upTo;
    this.deliverContiguous();
    return gaps;
  }
}
