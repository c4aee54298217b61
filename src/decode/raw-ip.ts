/**
 * Frames that start directly with an IP header (raw IP link types, GTP-U payloads, ERSPAN III
 * IP frames, MPLS): the version nibble decides between IPv4 and IPv6.
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

export const PROBLEM_IP_TRUNCATED = 'IP header cut short';
export const PROBLEM_IP_VERSION = 'IP version is neither 4 nor 6';

export function decodeIpByVersion(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < 1) {
    stop(view, cursor, 'truncated', PROBLEM_IP_TRUNCATED);
    return;
  }
  const version = data[start] >> 4;
  if (version === 4) cursor.next = Layer.ipv4;
  else if (version === 6) cursor.next = Layer.ipv6;
  else stop(view, cursor, 'malformed', PROBLEM_IP_VERSION);
}
