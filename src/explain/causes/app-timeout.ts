import { seqGeq } from '../../tcp/seq.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The request reached the other side (its TCP acknowledged it) but its application never
 * answered; after waiting, the requester gave up and reset. TCP is healthy here — the lesson of
 * "protocol vs PROTOCOL": look at the application that did not answer, not at the network.
 */
export const appTimeoutRule: CauseRule = (ctx, origin, facts) => {
  if (!byEndpoint(ctx, origin) || !facts.senderDataUnanswered) return null;
  const req = facts.lastSenderData!;
  const waited = ctx.r.tsMicros - req.tsMicros;
  const rtt = ctx.rtt > 0 ? ctx.rtt : 100_000;
  if (waited < Math.max(1_000_000, 20 * rtt)) return null;
  const end = (req.seq + req.len) >>> 0;
  const acked = ctx.before.some(
    (p) => p.fromClient !== ctx.fromClient && p.tsMicros >= req.tsMicros && seqGeq(p.ack, end),
  );
  if (!acked) return null;
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  const msg = ctx.fromClient ? ctx.lastClientMessage : ctx.lastServerMessage;
  const summary = ctx.fromClient ? ctx.clientSummary : ctx.serverSummary;
  // Only a request waits for an answer: a server's response (HTTP/1.1 200 OK) that the client
  // merely acknowledged is a finished exchange, and a server closing it later closes an idle
  // connection. Without a summary, requests are the client's.
  const request = summary !== null ? summary.direction === 'request' : ctx.fromClient;
  if (!request) return null;
  const what = summary ? summary.text : `${msg?.totalLength ?? req.len} bytes`;
  return {
    cause: 'app-timeout',
    confidence: facts.silence > 0.8 * waited ? 0.85 : 0.65,
    severity: 'problem',
    evidence: [
      {
        signal: 'unanswered-request',
        detail: `the ${sender}'s request (${what}, frame ${msg?.frame ?? req.frame}) was acknowledged by the ${peer}'s TCP but never answered; the ${sender} reset after ${seconds(waited)}`,
        frames: frames(ctx, msg?.frame ?? req.frame, req.frame, ctx.r.frame),
      },
    ],
    summary: `The ${peer}'s TCP acknowledged the ${summary ? summary.text : 'request'} at frame ${msg?.frame ?? req.frame} but its application never answered; after ${seconds(waited)} the ${sender} gave up and reset.`,
    nextStep: `Look at the ${summary ? `${summary.protocol.toUpperCase()} ` : ''}service on ${ctx.receiverAddress}, not the network: it received the request and did not respond in time.`,
  };
};
