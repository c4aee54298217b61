import { synRejection } from './refused.ts';
import type { CauseRule } from './rule.ts';
import { frames } from './rule.ts';

/**
 * The SYN's rejection came from a device on the path, not the server: the reset's TTL, IP ID or
 * timing does not fit the server (or a capture at the server never shows it leaving).
 */
export const firewallRejectRule: CauseRule = (ctx, origin) => {
  const rej = synRejection(ctx);
  if (rej === null || origin.origin !== 'middlebox') return null;
  // If the server went on to answer the SYN, nothing rejected the connection: the reset was
  // injected into a live handshake (middlebox-injected).
  if (ctx.after.some((p) => !p.fromClient)) return null;
  const reasons = origin.votes.filter((v) => v.origin === 'middlebox').map((v) => v.detail);
  return {
    cause: 'firewall-reject',
    confidence: Math.min(0.95, 0.45 + 0.5 * origin.confidence),
    severity: 'expected-failure',
    evidence: [
      {
        signal: 'handshake',
        detail: `the SYN (frame ${rej.synFrame}) was rejected with a reset that the server did not send: ${reasons.join('; ')}`,
        frames: frames(ctx, rej.synFrame, ctx.r.frame),
      },
    ],
    summary: `A device between ${ctx.clientLabel} and ${ctx.serverLabel} rejected the connection on the server's behalf (the reset does not come from the server).`,
    nextStep: `Look at firewall or security-group rules for port ${ctx.c.server.port} on the path to ${ctx.serverLabel} (a "reject with tcp reset" rule), not at the server.`,
  };
};
