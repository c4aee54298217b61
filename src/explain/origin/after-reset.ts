import { TcpFlag } from '../../decode/packet-view.ts';
import { isCopyOf } from '../capture-copies.ts';
import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref, senderRole } from './vote.ts';

/**
 * The purported sender keeps talking after "its" reset. A stack that sent a reset has destroyed
 * the connection and answers nothing more on it, so new data, a SYN-ACK or advancing ACKs from
 * that address afterwards mean someone else made the reset (the pattern of in-path censors and
 * of the Quantum-Insert-style races in the corpus).
 */
export function afterResetScorer(ctx: ResetContext): OriginVote[] {
  // A peer that tries again (Windows resends a refused SYN) starts a new exchange: what the
  // sender answers to that retry says nothing about the earlier reset.
  const retry = ctx.after.find((p) => p.fromClient !== ctx.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  const until = retry?.tsMicros ?? Number.POSITIVE_INFINITY;
  const own = ctx.after.filter(
    (p) =>
      p.fromClient === ctx.fromClient &&
      (p.flags & TcpFlag.RST) === 0 &&
      p.tsMicros < until &&
      !isCopyOf(p, ctx.before),
  );
  if (own.length === 0) return [];
  const role = senderRole(ctx);
  const data = own.filter((p) => p.len > 0 || (p.flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0);
  const frames = [ref(ctx, ctx.r.frame), ...own.slice(0, 4).map((p) => ref(ctx, p.frame))];
  if (data.length > 0) {
    const first = data[0];
    const what =
      (first.flags & TcpFlag.SYN) !== 0
        ? 'a SYN-ACK'
        : (first.flags & TcpFlag.FIN) !== 0
          ? 'a FIN'
          : `${first.len} bytes of data`;
    return [
      {
        origin: 'middlebox',
        weight: 4,
        signal: 'after-reset',
        detail: `the ${role} sent ${what} (frame ${first.frame}) after the reset that carries its address: it never sent that reset`,
        frames,
      },
    ];
  }
  return [
    {
      origin: 'middlebox',
      weight: 1.5,
      signal: 'after-reset',
      detail: `the ${role} still acknowledged traffic after the reset (frame ${own[0].frame})`,
      frames,
    },
  ];
}
