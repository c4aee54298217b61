import { TcpFlag } from '../decode/packet-view.ts';
import { seqDiff } from '../tcp/seq.ts';
import type { ResetContext } from './reset-context.ts';

/** What one side had sent that the other had not acknowledged when the reset came. */
export interface Outstanding {
  /** Sequence space not acknowledged (data bytes, plus one for a SYN or FIN). */
  bytes: number;
  /** Data bytes among them. */
  data: number;
  /** Its FIN was not acknowledged. */
  fin: boolean;
}

/**
 * The side's next sequence number against what the other side had acknowledged, from the kept
 * history — the reset's own ACK included: an RST/ACK says what its sender had received, so data
 * it covers was delivered, not lost.
 */
export function outstandingAt(ctx: ResetContext, fromClient: boolean): Outstanding {
  let next = -1;
  let dataEnd = -1;
  let finSeq = -1;
  let acked = -1;
  const ackedBy = (ack: number) => {
    if (acked < 0 || seqDiff(ack, acked) > 0) acked = ack;
  };
  for (const p of ctx.before) {
    if ((p.flags & TcpFlag.RST) !== 0) continue;
    if (p.fromClient === fromClient) {
      const fin = (p.flags & TcpFlag.FIN) !== 0;
      const end = (p.seq + p.len + ((p.flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0)) >>> 0;
      if (next < 0 || seqDiff(end, next) > 0) next = end;
      if (p.len > 0 && (dataEnd < 0 || seqDiff(p.seq + p.len, dataEnd) > 0)) dataEnd = (p.seq + p.len) >>> 0;
      if (fin) finSeq = (p.seq + p.len) >>> 0;
    } else if ((p.flags & TcpFlag.ACK) !== 0) ackedBy(p.ack);
  }
  for (const g of ctx.group) if (g.fromClient !== fromClient && (g.flags & TcpFlag.ACK) !== 0) ackedBy(g.ack);
  if (next < 0 || acked < 0) return { bytes: 0, data: 0, fin: false };
  return {
    bytes: Math.max(0, seqDiff(next, acked)),
    data: dataEnd < 0 ? 0 : Math.max(0, seqDiff(dataEnd, acked)),
    fin: finSeq >= 0 && seqDiff(finSeq, acked) >= 0,
  };
}
