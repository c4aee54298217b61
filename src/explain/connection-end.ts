import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import type { ResetContext } from './reset-context.ts';

/** A reset this long after the connection ended is no part of the ending (µs). */
const AFTER_END = 1_000_000;

/**
 * The packet that had already ended the connection well before this reset: an earlier reset, or
 * the second of two FINs, with no data after it. Null when the connection was still alive (or
 * ended only moments before). A device that resets a connection long after its hosts were done
 * with it is clearing its own state (a firewall or NAT timing out the entry), not attacking it.
 */
export function endedBefore(ctx: ResetContext): LoggedPacket | null {
  let end: LoggedPacket | null = null;
  let clientFin = false;
  let serverFin = false;
  for (const p of ctx.before) {
    if ((p.flags & TcpFlag.RST) !== 0) {
      end = p;
      continue;
    }
    if ((p.flags & TcpFlag.FIN) !== 0) {
      if (p.fromClient) clientFin = true;
      else serverFin = true;
      if (clientFin && serverFin && end === null) end = p;
      continue;
    }
    if (end !== null && p.len > 0) end = null; // it came back to life
  }
  if (end === null || ctx.r.tsMicros - end.tsMicros < AFTER_END) return null;
  return end;
}
