import { resetWindow } from '../reset-window.ts';
import type { CauseRule } from './rule.ts';
import { frames, role } from './rule.ts';

/**
 * A reset the receiver must ignore: its sequence number is outside the receive window (RFC 9293
 * §3.10.7.4; RFC 5961 §3.2 answers an in-window but inexact one with a challenge ACK). Traffic
 * carrying on afterwards confirms it had no effect. Stale resets (a late duplicate) are harmless;
 * guessed ones are blind-injection attempts.
 */
export const outOfWindowRule: CauseRule = (ctx, origin) => {
  const r = ctx.r;
  const w = resetWindow(ctx);
  if (w === null || !w.continued) return null;
  const d = w.offset;
  const inWindow = w.inWindow;
  const peer = role(!ctx.fromClient);
  const forged = origin.origin === 'middlebox';
  return {
    cause: 'out-of-window',
    confidence: inWindow ? 0.55 : 0.8,
    severity: forged ? 'security' : 'benign',
    evidence: [
      {
        signal: 'seq',
        detail: `seq ${r.seq} is ${d > 0 ? `${d} bytes beyond` : `${-d} bytes before`} what the ${peer} expected (${r.receiverAckedSeq})${inWindow ? ' (inside the window: answered by a challenge ACK)' : ', outside its window'}; the connection carried on`,
        frames: frames(ctx, r.frame, ctx.after[0]?.frame),
      },
    ],
    summary: `The reset did not match the ${peer}'s expected sequence number and was ignored: the connection carried on${forged ? '; it looks like a blind injection attempt' : ' (a stale or duplicate reset)'}.`,
    nextStep: forged
      ? 'Treat as an attempted reset attack or a misbehaving device on the path; the endpoints defended correctly.'
      : 'Nothing to do: the endpoints ignored a reset that did not match the connection.',
  };
};
