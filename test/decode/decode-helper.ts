/** Shared by the decode tests: decode a built frame into a fresh view. */
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import type { BuiltFrame } from '../helpers/frames.ts';

export function decode(frame: BuiltFrame, originalLength?: number): PacketView {
  const view = new PacketView();
  decodeFrame(view, frame.bytes, 0, frame.bytes.length, frame.linkType, originalLength);
  return view;
}

export function decodeBytes(bytes: Uint8Array | number[], linkType: number): PacketView {
  const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  const view = new PacketView();
  decodeFrame(view, data, 0, data.length, linkType);
  return view;
}

/** Tunnel kinds recorded in the view, outermost first. */
export function tunnelsOf(view: PacketView): number[] {
  return Array.from(view.tunnels.subarray(0, view.tunnelCount));
}

export function vlansOf(view: PacketView): number[] {
  return Array.from(view.vlanIds.subarray(0, view.vlanCount));
}

export function optionKindsOf(view: PacketView): number[] {
  return Array.from(view.optionKinds.subarray(0, view.optionCount));
}

export function optionLengthsOf(view: PacketView): number[] {
  return Array.from(view.optionLengths.subarray(0, view.optionCount));
}
