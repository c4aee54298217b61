import { TcpFlag } from '../decode/packet-view.ts';
import { seqDiff } from '../tcp/seq.ts';
import type { ResetContext } from './reset-context.ts';

/** Where a reset's sequence number fell against its receiver's window, and whether it mattered. */
export interface ResetWindow {
  /** seq − what the receiver expected next (its rcv.nxt, from its acknowledgements). */
  offset: number;
  /** Beyond rcv.nxt but inside the advertised window: RFC 5961 §3.2 answers a challenge ACK. */
  inWindow: boolean;
  /** Traffic went on after the reset: the receiver did not treat it as the end. */
  continued: boolean;
}

/**
 * A reset whose sequence number is not exactly what its receiver expects cannot end the
 * connection (RFC 9293 §3.10.7.4; RFC 5961 §3.2: outside the window it is dropped silently,
 * inside it draws a challenge ACK). Null when the receiver's rcv.nxt is unknown or the reset hit it
 * exactly. The window is the receiver's last advertisement, scaled; 65535 when never seen.
 */
export function resetWindow(ctx: ResetContext): ResetWindow | null {
  const r = ctx.r;
  if (r.receiverAckedSeq < 0) return null;
  const offset = seqDiff(r.seq, r.receiverAckedSeq);
  if (offset === 0) return null;
  const win = r.receiverWindow >= 0 ? r.receiverWindow * 2 ** Math.max(0, r.receiverWindowScale) : 65535;
  const continued = ctx.after.some(
    (p) => (p.flags & TcpFlag.RST) === 0 && (p.len > 0 || p.fromClient !== ctx.fromClient),
  );
  return { offset, inWindow: offset > 0 && offset < win, continued };
}

/** The reset missed the receiver's window entirely and the connection lived on: it was ignored. */
export function ignoredOutOfWindow(ctx: ResetContext): boolean {
  const w = resetWindow(ctx);
  return w !== null && !w.inWindow && w.continued;
}
