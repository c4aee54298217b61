/**
 * Big-endian field reads straight from the frame bytes. No DataView: a DataView per frame would
 * allocate, and one shared DataView cannot follow the capture reader's changing chunk buffers.
 * Callers check bounds first (each protocol file compares its header length against the cursor's
 * end), so these never see an index past the captured bytes.
 */

/** Unsigned 16-bit network-order value at `i`. */
export function u16(data: Uint8Array, i: number): number {
  return (data[i] << 8) | data[i + 1];
}

/** Unsigned 32-bit network-order value at `i` (`>>> 0` keeps it positive past 2^31). */
export function u32(data: Uint8Array, i: number): number {
  return ((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0;
}

/** Unsigned 24-bit network-order value at `i` (VXLAN/GENEVE VNI). */
export function u24(data: Uint8Array, i: number): number {
  return (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
}
