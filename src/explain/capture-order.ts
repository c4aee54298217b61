import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import type { ResetRecord } from '../tcp/reset-record.ts';
import { seqLeq } from '../tcp/seq.ts';

/** How far after the reset a reordered packet may be captured (µs). */
const REORDER_WINDOW = 50_000;
/** IP IDs of one host's consecutive packets on a connection are close (Linux: per-socket counter). */
const IP_ID_STEP = 1024;

/**
 * Packets captured after a reset that its sender had emitted before it. Captures reorder packets
 * that leave a host close together (a shaping qdisc, several NIC queues, `tcpdump -i any`), and a
 * data segment seen after "its sender's" reset otherwise reads as the sender still talking — the
 * mark of a forged reset. Three things must agree before the order is corrected: the reset's
 * sequence number already counts the segment's bytes, the packet is captured within a few
 * milliseconds, and the sender's own counters put it first (an earlier IP ID, or an earlier TCP
 * timestamp). A forger does not know the sender's next IP ID and timestamp, so a forged reset
 * does not pass.
 */
export function sentBeforeReset(r: ResetRecord, after: readonly LoggedPacket[]): LoggedPacket[] {
  const reordered: LoggedPacket[] = [];
  for (const p of after) {
    if (p.tsMicros - r.tsMicros > REORDER_WINDOW) break;
    if (p.fromClient !== r.fromClient || (p.flags & (TcpFlag.RST | TcpFlag.SYN)) !== 0) continue;
    const fin = (p.flags & TcpFlag.FIN) !== 0 ? 1 : 0;
    if (p.len + fin === 0) continue;
    if (!seqLeq((p.seq + p.len + fin) >>> 0, r.seq)) continue;
    const ipIdEarlier = r.ipId > 0 && p.ipId > 0 && inRange((r.ipId - p.ipId) & 0xffff, 1, IP_ID_STEP);
    const tsEarlier = r.hasTimestamp && p.tsVal !== null && inRange((r.tsVal - p.tsVal) >>> 0, 1, 0x3fffffff);
    if (ipIdEarlier || tsEarlier) reordered.push(p);
  }
  return reordered;
}

function inRange(v: number, lo: number, hi: number): boolean {
  return v >= lo && v <= hi;
}
