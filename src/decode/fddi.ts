/**
 * FDDI (LINKTYPE_FDDI 10): frame control byte, destination and source MAC, then an 802.2 LLC
 * header (normally SNAP carrying an EtherType).
 *
 * Wireshark reads LINKTYPE_FDDI as "FDDI with bit-swapped MAC addresses" (the order of bits inside
 * each address byte depends on the capturing OS); that only changes how the MACs are printed, the
 * header length stays 13 bytes, so it does not matter here. Some old BSDs padded the header with
 * 3 bytes (libpcap's FDDIPAD); the corpus capture (zeek/llc.pcap) has none, as tshark confirms.
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

// FDDI MAC header: frame control (1), destination (6), source (6).
const FDDI_FRAME_CONTROL = 0;
export const FDDI_HEADER_LENGTH = 13;

/** Frame control class/format bits `0101 0ppp` / `0101 1ppp`: asynchronous / synchronous LLC. */
const FC_LLC_MASK = 0xf0;
const FC_LLC_ASYNC = 0x50;
const FC_LLC_SYNC = 0xd0;

export const PROBLEM_FDDI_TRUNCATED = 'FDDI header cut short';
export const PROBLEM_FDDI_NOT_LLC = 'FDDI frame is not an LLC frame';

export function decodeFddi(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < FDDI_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_FDDI_TRUNCATED);
    return;
  }
  const fc = data[start + FDDI_FRAME_CONTROL] & FC_LLC_MASK;
  if (fc !== FC_LLC_ASYNC && fc !== FC_LLC_SYNC) {
    stop(view, cursor, 'not-ip', PROBLEM_FDDI_NOT_LLC);
    return;
  }
  cursor.offset = start + FDDI_HEADER_LENGTH;
  cursor.next = Layer.llc;
}
