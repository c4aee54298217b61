import { TcpFlag } from '../../decode/packet-view.ts';
import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref, senderRole } from './vote.ts';

/**
 * TCP timestamps (RFC 7323): a host's TSval is one clock that only moves forward, at 1 ms to
 * 1 s per tick. A reset whose TSval does not fit between the values of the sender's packets
 * around it came from another clock — a forger's (Suricata's "invalid timestamp" evasion check).
 */
export function timestampScorer(ctx: ResetContext): OriginVote[] {
  const r = ctx.r;
  if (!r.hasTimestamp) return [];
  const own = [...ctx.before, ...ctx.after].filter(
    (p) => p.fromClient === ctx.fromClient && (p.flags & TcpFlag.RST) === 0 && p.tsVal !== null,
  );
  const role = senderRole(ctx);
  // RFC 7323 §3.2: timestamps may only be sent when both SYNs carried them. A reset with a
  // timestamp on a connection that never negotiated them was not made by either stack.
  const c = ctx.c;
  const handshakeSeen = c.client.isn >= 0 && c.server.isn >= 0;
  const offeredNot = c.client.isn >= 0 && !c.client.timestampsOnSyn;
  if ((handshakeSeen && !(c.client.timestampsOnSyn && c.server.timestampsOnSyn)) || offeredNot) {
    return [
      {
        origin: 'middlebox',
        weight: 2,
        signal: 'tcp-timestamp',
        detail: `the reset carries a TCP timestamp (TSval ${r.tsVal}) on a connection that never negotiated timestamps`,
        frames: [ref(ctx, r.frame)],
      },
    ];
  }
  if (own.length === 0) return [];
  let before: (typeof own)[number] | null = null;
  let after: (typeof own)[number] | null = null;
  for (const p of own) {
    if (p.tsMicros <= r.tsMicros) before = p;
    else if (after === null) after = p;
  }
  const frames = [ref(ctx, r.frame)];
  const near = before ?? after!;
  // Allow the clock to advance up to 1 tick per µs of elapsed time (1 MHz: far above any real
  // rate) plus a small slack, in either direction of modular distance.
  const elapsed = Math.abs(r.tsMicros - near.tsMicros);
  const distance = Math.abs((r.tsVal - near.tsVal!) | 0);
  const allowed = elapsed + 1000;
  if (distance > allowed) {
    return [
      {
        origin: 'middlebox',
        weight: 2.5,
        signal: 'tcp-timestamp',
        detail: `TSval ${r.tsVal} does not fit the ${role}'s timestamp clock (TSval ${near.tsVal} in frame ${near.frame}, ${(elapsed / 1000).toFixed(1)} ms away)`,
        frames: [ref(ctx, near.frame), ...frames],
      },
    ];
  }
  if (before !== null && after !== null && r.tsVal >= before.tsVal! && r.tsVal <= after.tsVal!) {
    return [
      {
        origin: role,
        weight: 1,
        signal: 'tcp-timestamp',
        detail: `TSval ${r.tsVal} lies between the ${role}'s neighbouring timestamps (${before.tsVal} and ${after.tsVal})`,
        frames,
      },
    ];
  }
  return [];
}
