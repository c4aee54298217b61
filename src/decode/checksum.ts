/**
 * TCP checksum verification over the IPv4/IPv6 pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1).
 *
 * Zeek marks a segment with a bad checksum with the history letter `c` (and, without `-C`,
 * ignores it); rstscope can do the same on request. Not on the hot path: captures taken on the
 * sending host very often have checksum offload, so a "bad" checksum there means nothing.
 *
 * Limits: with an IPv6 routing header the pseudo-header should use the final destination; the
 * address in the IPv6 header is used here. A TSO capture (IPv4 total length 0) fails, as it does
 * for every other tool.
 */
import type { PacketView } from './packet-view.ts';

const PROTOCOL_TCP = 6;

/** Ones'-complement sum of data[from, to) as 16-bit big-endian words, folded later by the caller. */
function sumBytes(data: Uint8Array, from: number, to: number, sum: number): number {
  let i = from;
  for (; i + 1 < to; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (i < to) sum += data[i] << 8;
  return sum;
}

function sumWord(word: number, sum: number): number {
  return sum + (word >>> 16) + (word & 0xffff);
}

/**
 * true when the TCP checksum is right, false when wrong, null when it cannot be told: the frame
 * is not a decoded TCP segment or the snaplen cut part of it (its options or its payload).
 */
export function tcpChecksumOk(view: PacketView, data: Uint8Array): boolean | null {
  if (view.status !== 'tcp' || view.optionsTruncated || view.payloadCaptured < view.payloadLength)
    return null;
  const segmentLength = view.tcpHeaderLength + view.payloadLength;
  let sum = 0;
  if (view.ipVersion === 4) {
    sum = sumWord(view.src[0], sum);
    sum = sumWord(view.dst[0], sum);
    sum += PROTOCOL_TCP + segmentLength;
  } else if (view.ipVersion === 6) {
    for (let i = 0; i < 4; i++) {
      sum = sumWord(view.src[i], sum);
      sum = sumWord(view.dst[i], sum);
    }
    sum = sumWord(segmentLength, sum);
    sum += PROTOCOL_TCP;
  } else {
    return null;
  }
  sum = sumBytes(data, view.tcpOffset, view.tcpOffset + segmentLength, sum);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}
