/**
 * Zeek's default tunables that decide history letters and when a connection is removed (so that a
 * later packet on the same 4-tuple opens a new conn.log entry). Values are the defaults of Zeek's
 * `init-bare.zeek`; times are in microseconds because rstscope timestamps are integer µs.
 */

const SECOND = 1_000_000;

export const ZeekDefaults = {
  /** `tcp_SYN_timeout`: first run of the expire timer after the connection is created. */
  synTimeout: 5 * SECOND,
  /** `tcp_session_timer`: the expire timer re-runs this long after each unsuccessful run. */
  sessionTimer: 6 * SECOND,
  /** `tcp_connection_linger`: quiet time after which a (half-)closed connection is expired. */
  connectionLinger: 5 * SECOND,
  /** `tcp_attempt_delay`: a SYN left unanswered this long ends the connection (conn.log S0). */
  attemptDelay: 5 * SECOND,
  /** `tcp_close_delay`: a connection closed from both sides (or reset) is removed this long after. */
  closeDelay: 5 * SECOND,
  /** `udp_inactivity_timeout`: Zeek's TCP adapter starts with this inactivity timeout … */
  handshakeInactivity: 60 * SECOND,
  /** … and `tcp_inactivity_timeout` replaces it once an endpoint leaves the handshake states. */
  inactivity: 300 * SECOND,
  /** `tcp_max_initial_window`: unacked data beyond this is not kept for gap detection. */
  maxInitialWindow: 16384,
  /** `tcp_max_above_hole_without_any_acks`: reassembly gives up (no more gaps) beyond this. */
  maxAboveHoleWithoutAnyAcks: 16384,
  /** `tcp_excessive_data_without_further_acks`: same, for data buffered without acks. */
  excessiveDataWithoutFurtherAcks: 10 * 1024 * 1024,
} as const;

/**
 * Sequence jumps larger than this in a SYN or RST are not trusted for `last_seq`
 * (TCPSessionAdapter.cc, TOO_LARGE_SEQ_DELTA).
 */
export const TOO_LARGE_SEQ_DELTA = 1048576;

/** Zeek multiplies the threshold of C/T/W/G history letters by this after each letter. */
export const HISTORY_SCALING_BASE = 10;
