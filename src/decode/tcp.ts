/**
 * TCP header (RFC 9293 §3.1), the end of every successful walk.
 *
 * Sequence and acknowledgement numbers are kept unsigned (`>>> 0`). The 12 bits after the data
 * offset are 3 reserved bits, then AE (RFC 3540's NS, now AccECN), CWR, ECE, URG, ACK, PSH, RST,
 * SYN, FIN. The payload length comes from the IP length fields (tshark's tcp.len) so a segment cut
 * by the snaplen still reports what was sent; payloadCaptured says what the capture holds.
 *
 * When the snaplen cut the options (tcpdump -s 64/96 header-only captures) the packet is still a
 * TCP packet: the fixed 20-byte header is all the tracker needs for ports, seq/ack, flags and
 * window, the payload length comes from the IP length as always, the options are read up to the
 * cut and `optionsTruncated` says the rest is unknown. Only a packet without its full fixed header
 * is not TCP: 'truncated' when the snaplen cut it, 'malformed' when the IP length itself leaves
 * no room for it (crafted or corrupt: tshark's "Short segment"; stacks drop these).
 */
import { u16, u32 } from './bytes.ts';
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';
import { readTcpOptions } from './tcp-options.ts';

const TCP_SOURCE_PORT = 0;
const TCP_DESTINATION_PORT = 2;
const TCP_SEQUENCE = 4;
const TCP_ACKNOWLEDGEMENT = 8;
const TCP_OFFSET_RESERVED = 12;
const TCP_FLAGS = 13;
const TCP_WINDOW = 14;
const TCP_CHECKSUM = 16;
const TCP_URGENT_POINTER = 18;
export const TCP_MIN_HEADER_LENGTH = 20;

export const PROBLEM_TCP_TRUNCATED = 'TCP header cut short';
export const PROBLEM_TCP_SHORT_SEGMENT = 'IP payload shorter than a TCP header';
export const PROBLEM_TCP_DATA_OFFSET = 'TCP data offset below 5 (header shorter than 20 bytes)';
export const PROBLEM_TCP_BEYOND_IP = 'TCP header longer than the IP payload';

export function decodeTcp(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  const end = cursor.end;
  if (end - start < TCP_MIN_HEADER_LENGTH) {
    // All of what the IP header claims was captured and it still holds no full header: the
    // packet itself is short, not the capture.
    if (end >= cursor.claimedEnd) stop(view, cursor, 'malformed', PROBLEM_TCP_SHORT_SEGMENT);
    else stop(view, cursor, 'truncated', PROBLEM_TCP_TRUNCATED);
    return;
  }
  const offsetReserved = data[start + TCP_OFFSET_RESERVED];
  const headerLength = (offsetReserved >> 4) << 2;
  view.tcpOffset = start;
  view.tcpHeaderLength = headerLength;
  view.sport = u16(data, start + TCP_SOURCE_PORT);
  view.dport = u16(data, start + TCP_DESTINATION_PORT);
  view.seq = u32(data, start + TCP_SEQUENCE);
  view.ack = u32(data, start + TCP_ACKNOWLEDGEMENT);
  view.flags = ((offsetReserved & 0x01) << 8) | data[start + TCP_FLAGS];
  view.reservedBits = (offsetReserved >> 1) & 0x07;
  view.window = u16(data, start + TCP_WINDOW);
  view.checksum = u16(data, start + TCP_CHECKSUM);
  view.urgentPointer = u16(data, start + TCP_URGENT_POINTER);
  if (headerLength < TCP_MIN_HEADER_LENGTH) {
    stop(view, cursor, 'malformed', PROBLEM_TCP_DATA_OFFSET);
    return;
  }
  const payloadOffset = start + headerLength;
  const claimedEnd = cursor.claimedEnd;
  if (payloadOffset > claimedEnd) {
    stop(view, cursor, 'malformed', PROBLEM_TCP_BEYOND_IP);
    return;
  }
  view.payloadLength = claimedEnd - payloadOffset;
  if (payloadOffset > end) {
    // The snaplen cut the options: read what the capture holds of them.
    readTcpOptions(view, data, start + TCP_MIN_HEADER_LENGTH, payloadOffset, end);
    view.optionsTruncated = true;
    view.payloadOffset = end;
    view.payloadCaptured = 0;
  } else {
    if (headerLength > TCP_MIN_HEADER_LENGTH) {
      readTcpOptions(view, data, start + TCP_MIN_HEADER_LENGTH, payloadOffset, payloadOffset);
    }
    view.payloadOffset = payloadOffset;
    view.payloadCaptured = end - payloadOffset;
  }
  view.status = 'tcp';
  cursor.next = Layer.done;
}
