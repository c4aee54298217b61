/**
 * Bookkeeping for encapsulations. Every tunnel entered is recorded in the view (outermost first)
 * and counted against MAX_TUNNELS: a crafted frame can nest IP-in-IP or GRE-in-GRE until the bytes
 * run out, and the bound makes such a frame end as 'malformed' after a few layers instead of
 * costing work proportional to its size.
 *
 * The outer layers are context a reader needs ("which VXLAN segment, between which VTEPs?"), so
 * each slot keeps the tunnel's id and variant and the addresses of the IP header that carried it.
 * They are copied into the view's fixed-size arrays here, once per tunnel entered: frames without
 * a tunnel never get here, and nothing is allocated.
 */
import { type DecodeCursor, stop } from './cursor.ts';
import { MAX_TUNNELS, type PacketView, type TunnelKind } from './packet-view.ts';

export const PROBLEM_TOO_MANY_TUNNELS = 'tunnels nested deeper than MAX_TUNNELS';

/**
 * Record that the packet enters a tunnel of `kind`; `id` is its VNI/key/session id or -1,
 * `variant` its ERSPAN type or GRE version (0 otherwise). The innermost tunnel's id wins in
 * view.tunnelId, so an id-less inner tunnel resets it to -1.
 * Returns false (and stops the walk) when the nesting bound is exceeded.
 */
export function enterTunnel(
  view: PacketView,
  cursor: DecodeCursor,
  kind: TunnelKind,
  id: number,
  variant = 0,
): boolean {
  const slot = view.tunnelCount;
  if (slot >= MAX_TUNNELS) {
    stop(view, cursor, 'malformed', PROBLEM_TOO_MANY_TUNNELS);
    return false;
  }
  view.tunnels[slot] = kind;
  view.tunnelIds[slot] = id;
  view.tunnelVariants[slot] = variant;
  // The IP fields of the view still hold the header that carries this tunnel (the inner one has
  // not been decoded yet); record it unless a previous slot already did (ERSPAN inside GRE).
  if (view.ipVersion !== 0 && view.ipOffset !== cursor.carrierIpOffset) {
    cursor.carrierIpOffset = view.ipOffset;
    view.tunnelIpVersions[slot] = view.ipVersion;
    const base = slot * 4;
    const src = view.src;
    const dst = view.dst;
    const outerSrc = view.tunnelSrc;
    const outerDst = view.tunnelDst;
    outerSrc[base] = src[0];
    outerSrc[base + 1] = src[1];
    outerSrc[base + 2] = src[2];
    outerSrc[base + 3] = src[3];
    outerDst[base] = dst[0];
    outerDst[base + 1] = dst[1];
    outerDst[base + 2] = dst[2];
    outerDst[base + 3] = dst[3];
  } else {
    view.tunnelIpVersions[slot] = 0;
  }
  view.tunnelCount = slot + 1;
  view.tunnelId = id;
  return true;
}
