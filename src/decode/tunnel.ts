/**
 * Bookkeeping for encapsulations. Every tunnel entered is recorded in the view (outermost first)
 * and counted against MAX_TUNNELS: a crafted frame can nest IP-in-IP or GRE-in-GRE until the bytes
 * run out, and the bound makes such a frame end as 'malformed' after a few layers instead of
 * costing work proportional to its size.
 */
import { type DecodeCursor, stop } from './cursor.ts';
import { MAX_TUNNELS, type PacketView, type TunnelKind } from './packet-view.ts';

export const PROBLEM_TOO_MANY_TUNNELS = 'tunnels nested deeper than MAX_TUNNELS';

/**
 * Record that the packet enters a tunnel of `kind`; `id` is its VNI/key/session id or -1.
 * The innermost tunnel's id wins, so an id-less inner tunnel resets it to -1.
 * Returns false (and stops the walk) when the nesting bound is exceeded.
 */
export function enterTunnel(view: PacketView, cursor: DecodeCursor, kind: TunnelKind, id: number): boolean {
  if (view.tunnelCount >= MAX_TUNNELS) {
    stop(view, cursor, 'malformed', PROBLEM_TOO_MANY_TUNNELS);
    return false;
  }
  view.tunnels[view.tunnelCount++] = kind;
  view.tunnelId = id;
  return true;
}
