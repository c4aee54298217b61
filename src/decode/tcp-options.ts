/**
 * TCP options walker (RFC 9293 §3.2 and the IANA "TCP option kind numbers" registry).
 *
 * Every kind met is recorded in view.optionKinds (NOP and EOL included): the sequence of options a
 * host sends is a fingerprint of its stack, which the origin scorers compare against a reset.
 * Bounds: an option whose length byte is < 2 or runs past the header stops the walk with
 * optionsMalformed (what was read before is kept). A known kind with a length its RFC does not
 * allow is skipped by its length (the layout is still sound) and also sets optionsMalformed.
 */
import { u16, u32 } from './bytes.ts';
import { MAX_OPTIONS, MAX_SACK_BLOCKS, type PacketView } from './packet-view.ts';

export const TcpOption = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WINDOW_SCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMPS: 8,
  /** TCP MD5 signature (RFC 2385). */
  MD5: 19,
  /** TCP Authentication Option (RFC 5925). */
  AUTHENTICATION: 29,
  /** Multipath TCP (RFC 8684). */
  MPTCP: 30,
  /** TCP Fast Open (RFC 7413). */
  FAST_OPEN: 34,
  /** Shared experimental kind (RFC 6994), told apart by a 16-bit experiment id. */
  EXPERIMENTAL: 254,
} as const;

/** RFC 6994 experiment id that TCP Fast Open used before kind 34 was assigned. */
const EXPERIMENT_ID_FAST_OPEN = 0xf989;

const OPTION_LENGTH = 1;
const OPTION_DATA = 2;
const MSS_LENGTH = 4;
const WINDOW_SCALE_LENGTH = 3;
const SACK_PERMITTED_LENGTH = 2;
const SACK_BLOCK_LENGTH = 8;
const TIMESTAMPS_LENGTH = 10;
const MD5_LENGTH = 18;
const AUTHENTICATION_MIN_LENGTH = 4;
const MPTCP_MIN_LENGTH = 3;
const EXPERIMENTAL_MIN_LENGTH = 4;
/** NOP, NOP, kind 8, length 10 as one big-endian word, then TSval and TSecr. */
const ALIGNED_TIMESTAMPS = 0x0101080a;
const ALIGNED_TIMESTAMPS_LENGTH = 12;

/**
 * Walk the options in data[from, headerEnd); bytes at or after `available` were not captured, so
 * an option reaching past it ends the walk quietly (the caller reports the truncation).
 */
export function readTcpOptions(
  view: PacketView,
  data: Uint8Array,
  from: number,
  headerEnd: number,
  available: number,
): void {
  // Fast path for the layout nearly every segment of an established connection carries:
  // NOP, NOP, timestamps, nothing else (RFC 7323 Appendix A; Linux's tcp_parse_aligned_timestamp
  // takes the same shortcut).
  if (
    headerEnd - from === ALIGNED_TIMESTAMPS_LENGTH &&
    available >= headerEnd &&
    ((data[from] << 24) | (data[from + 1] << 16) | (data[from + 2] << 8) | data[from + 3]) ===
      ALIGNED_TIMESTAMPS
  ) {
    const kinds = view.optionKinds;
    const lengths = view.optionLengths;
    kinds[0] = TcpOption.NOP;
    kinds[1] = TcpOption.NOP;
    kinds[2] = TcpOption.TIMESTAMPS;
    lengths[0] = 1;
    lengths[1] = 1;
    lengths[2] = TIMESTAMPS_LENGTH;
    view.optionCount = 3;
    view.hasTimestamp = true;
    view.tsVal = u32(data, from + 4);
    view.tsEcr = u32(data, from + 8);
    return;
  }
  let at = from;
  const kinds = view.optionKinds;
  const lengths = view.optionLengths;
  while (at < headerEnd && at < available) {
    const kind = data[at];
    // Slot of this option in kinds/lengths, or -1 beyond MAX_OPTIONS (kept walking, not recorded).
    const slot = view.optionCount < MAX_OPTIONS ? view.optionCount++ : -1;
    if (slot >= 0) {
      kinds[slot] = kind;
      lengths[slot] = 1;
    }
    if (kind === TcpOption.EOL) return; // the rest of the header is padding
    if (kind === TcpOption.NOP) {
      at++;
      continue;
    }
    if (at + OPTION_LENGTH >= available && at + OPTION_LENGTH < headerEnd) {
      if (slot >= 0) lengths[slot] = 0; // the length byte itself was not captured
      return;
    }
    const length = at + OPTION_LENGTH < headerEnd ? data[at + OPTION_LENGTH] : 0;
    if (slot >= 0) lengths[slot] = length;
    if (length < 2 || at + length > headerEnd) {
      view.optionsMalformed = true;
      return;
    }
    if (at + length > available) return;
    readOption(view, data, kind, at, length);
    at += length;
  }
}

/** Kinds this walker interprets; any other (and an RFC 6994 experiment other than Fast Open) is "unknown". */
export function isKnownTcpOption(kind: number): boolean {
  switch (kind) {
    case TcpOption.EOL:
    case TcpOption.NOP:
    case TcpOption.MSS:
    case TcpOption.WINDOW_SCALE:
    case TcpOption.SACK_PERMITTED:
    case TcpOption.SACK:
    case TcpOption.TIMESTAMPS:
    case TcpOption.MD5:
    case TcpOption.AUTHENTICATION:
    case TcpOption.MPTCP:
    case TcpOption.FAST_OPEN:
      return true;
    default:
      return false;
  }
}

/** Interpret one option whose `length` bytes at `at` are all present. */
function readOption(view: PacketView, data: Uint8Array, kind: number, at: number, length: number): void {
  const value = at + OPTION_DATA;
  switch (kind) {
    case TcpOption.MSS:
      if (length === MSS_LENGTH) view.mss = u16(data, value);
      else view.optionsMalformed = true;
      return;
    case TcpOption.WINDOW_SCALE:
      if (length === WINDOW_SCALE_LENGTH) view.windowScale = data[value];
      else view.optionsMalformed = true;
      return;
    case TcpOption.SACK_PERMITTED:
      if (length === SACK_PERMITTED_LENGTH) view.sackPermitted = true;
      else view.optionsMalformed = true;
      return;
    case TcpOption.SACK: {
      const blocks = (length - OPTION_DATA) >> 3;
      if ((length - OPTION_DATA) % SACK_BLOCK_LENGTH !== 0) view.optionsMalformed = true;
      const sack = view.sackBlocks;
      for (let i = 0; i < blocks && view.sackCount < MAX_SACK_BLOCKS; i++) {
        const block = value + i * SACK_BLOCK_LENGTH;
        sack[view.sackCount * 2] = u32(data, block);
        sack[view.sackCount * 2 + 1] = u32(data, block + 4);
        view.sackCount++;
      }
      return;
    }
    case TcpOption.TIMESTAMPS:
      if (length === TIMESTAMPS_LENGTH) {
        view.hasTimestamp = true;
        view.tsVal = u32(data, value);
        view.tsEcr = u32(data, value + 4);
      } else {
        view.optionsMalformed = true;
      }
      return;
    case TcpOption.MD5:
      view.hasMd5 = true;
      if (length !== MD5_LENGTH) view.optionsMalformed = true;
      return;
    case TcpOption.AUTHENTICATION:
      view.hasAuthOption = true;
      if (length < AUTHENTICATION_MIN_LENGTH) view.optionsMalformed = true;
      return;
    case TcpOption.MPTCP:
      if (length >= MPTCP_MIN_LENGTH) view.mptcpSubtype = data[value] >> 4;
      else view.optionsMalformed = true;
      return;
    case TcpOption.FAST_OPEN:
      view.fastOpenCookieLength = length - OPTION_DATA;
      return;
    case TcpOption.EXPERIMENTAL:
      if (length >= EXPERIMENTAL_MIN_LENGTH && u16(data, value) === EXPERIMENT_ID_FAST_OPEN) {
        view.fastOpenCookieLength = length - EXPERIMENTAL_MIN_LENGTH;
      }
      return;
    default:
      // Unknown or uninteresting kinds (user timeout, AccECN, …): kind and length are recorded in
      // optionKinds / optionLengths, which is all a reader or a fingerprint needs.
      return;
  }
}
