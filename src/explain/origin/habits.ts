import { TcpFlag } from '../../decode/packet-view.ts';
import type { LoggedPacket } from '../../tcp/packet-log.ts';
import type { ResetRecord } from '../../tcp/reset-record.ts';
import type { ResetContext } from '../reset-context.ts';

/**
 * Whether one reset looks like the rest of its sender's packets: the TTL they arrive with (any
 * TTL this side's own packets show, or the host's usual one on other connections), and, when the
 * side's IP IDs count up, an ID that continues the counter (or 0, Linux's socket-less reply).
 * true / false, or null when there is nothing to compare with.
 */
export function matchesHabits(ctx: ResetContext, r: ResetRecord): boolean | null {
  const history = [...r.history.packets(), ...ctx.after];
  const own = history.filter(
    (p) => p.fromClient === r.fromClient && (p.flags & TcpFlag.RST) === 0 && p.frame !== r.frame,
  );
  let ttlKnown = false;
  if (r.ttl >= 0) {
    const ttls = new Set(own.filter((p) => p.ttl >= 0).map((p) => p.ttl));
    if (ttls.size === 0) {
      const usual = ctx.hosts.usualTtl(
        ctx.c.capture,
        r.fromClient === ctx.fromClient ? ctx.senderAddress : ctx.receiverAddress,
      );
      if (usual >= 0) {
        if (usual !== r.ttl) return false;
        ttlKnown = true;
      }
    } else {
      if (!ttls.has(r.ttl)) return false;
      ttlKnown = true;
    }
  }
  const ipIdOk = ipIdContinues(
    own.filter((p) => p.frame < r.frame),
    r.ipId,
  );
  if (ipIdOk === false) return false;
  return ttlKnown || ipIdOk === true ? true : null;
}

/** The reset's IP ID against the side's counter: continues it, breaks it, or null (no counter). */
function ipIdContinues(own: readonly LoggedPacket[], ipId: number): boolean | null {
  const ids = own.filter((p) => p.ipId >= 0);
  if (ipId < 0 || ids.length < 2) return null;
  const counting = ids.every((p, i) => i === 0 || inStep(p.ipId - ids[i - 1].ipId));
  if (!counting) return null;
  if (ipId === 0) return true; // a socket-less reply (ip-id.ts): neutral, not a forgery
  return inStep(ipId - ids[ids.length - 1].ipId);
}

function inStep(d: number): boolean {
  const step = d & 0xffff;
  return step >= 1 && step <= 64;
}
