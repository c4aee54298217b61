import type { PacketView } from '../decode/packet-view.ts';

/**
 * A numeric, direction-independent hash of a packet's addresses and ports, so the flow table
 * never builds string keys (string keys cost ~3× the whole parse on large files). Collisions are
 * resolved by the table comparing the actual addresses.
 */
export function flowHash(view: PacketView): number {
  const a = endpointHash(view.src, view.sport);
  const b = endpointHash(view.dst, view.dport);
  // Order-independent combination: both directions of a flow land in the same bucket.
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi + 0x7f4a7c15, 0xc2b2ae35);
}

function endpointHash(words: Uint32Array, port: number): number {
  let h = Math.imul(words[0] ^ port, 0xcc9e2d51);
  h = Math.imul(h ^ (h >>> 15) ^ words[1], 0x1b873593);
  h = Math.imul(h ^ (h >>> 13) ^ words[2], 0xcc9e2d51);
  h = Math.imul(h ^ (h >>> 16) ^ words[3], 0x1b873593);
  return (h ^ (h >>> 15)) >>> 0;
}
