import type { LoggedPacket } from '../tcp/packet-log.ts';

/**
 * Whether `p` is another copy of a packet already in `earlier`, rather than a new packet: the
 * same packet captured twice, as `tcpdump -i any` on a router or a container host does (once on
 * each interface, the TTL one lower on the way out), or a mirror port duplicating traffic. Same
 * direction, numbers, flags, length and — what a resend would change — the IP ID and TCP
 * timestamp.
 */
export function isCopyOf(p: LoggedPacket, earlier: readonly LoggedPacket[]): boolean {
  for (const q of earlier) {
    if (
      q.frame !== p.frame &&
      q.fromClient === p.fromClient &&
      q.seq === p.seq &&
      q.ack === p.ack &&
      q.flags === p.flags &&
      q.len === p.len &&
      q.ipId === p.ipId &&
      q.ipId > 0 &&
      q.tsVal === p.tsVal &&
      Math.abs(q.tsMicros - p.tsMicros) < 50_000
    ) {
      return true;
    }
  }
  return false;
}

/** `packets` (in capture order) without the later copies of a packet: each packet once. */
export function withoutCopies(packets: readonly LoggedPacket[]): LoggedPacket[] {
  const kept: LoggedPacket[] = [];
  for (const p of packets) if (!isCopyOf(p, kept)) kept.push(p);
  return kept;
}
