import { handshakeAbortRule } from './handshake-abort.ts';
import type { CauseRule } from './rule.ts';
import { frames } from './rule.ts';

const SMB_PORTS = [445, 139];

/**
 * Windows clients open SMB on 445 and 139 at once, keep the one that answers first (445 by
 * preference) and reset the other. Harmless: the pair of attempts is the evidence.
 */
export const smbPortRaceRule: CauseRule = (ctx, origin, facts) => {
  const port = ctx.c.server.port;
  if (!SMB_PORTS.includes(port) || !ctx.fromClient) return null;
  const early =
    ctx.r.stateBefore === 'syn-received' ||
    (ctx.r.stateBefore === 'established' && facts.lastSenderData === null && facts.lastReceiverData === null);
  if (!early) return null;
  const other = port === 445 ? 139 : 445;
  const siblings = ctx.sketches
    .toService(ctx.c.capture, ctx.receiverAddress, other, ctx.c.startTs, 3_000_000)
    .filter((s) => s.client === ctx.senderAddress);
  if (siblings.length === 0) return null;
  const kept = siblings.find((s) => s.resetBy === 0 || s.clientBytes > 0) ?? siblings[0];
  const base = handshakeAbortRule(ctx, origin, facts);
  return {
    cause: 'smb-port-race',
    confidence: 0.9,
    severity: 'benign',
    evidence: [
      ...(base?.evidence ?? []),
      {
        signal: 'parallel-attempt',
        detail: `the client opened port ${other} to the same server ${((kept.start - ctx.c.startTs) / 1000).toFixed(1)} ms apart and kept it (connection from port ${kept.clientPort}, first frame there)`,
        frames: frames(ctx, ctx.r.frame),
      },
    ],
    summary: `The client tried SMB on ports 445 and 139 at once and dropped the ${port} attempt with a reset once the other won: normal Windows behaviour.`,
    nextStep: 'Nothing to do: this reset is how SMB clients pick a transport.',
  };
};
