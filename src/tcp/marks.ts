/**
 * What the analysis concluded about the latest packet of a connection, with Wireshark's
 * tcp.analysis.* meanings (bit set, so tests and `packets --analysis` can compare per frame).
 */
export const Mark = {
  RETRANSMISSION: 1, // tcp.analysis.retransmission
  FAST_RETRANSMISSION: 2, // tcp.analysis.fast_retransmission
  SPURIOUS_RETRANSMISSION: 4, // tcp.analysis.spurious_retransmission
  OUT_OF_ORDER: 8, // tcp.analysis.out_of_order
  KEEP_ALIVE: 16, // tcp.analysis.keep_alive
  ZERO_WINDOW_PROBE: 32, // tcp.analysis.zero_window_probe
  ZERO_WINDOW: 64, // tcp.analysis.zero_window
  DUPLICATE_ACK: 128, // tcp.analysis.duplicate_ack
  WINDOW_UPDATE: 256, // tcp.analysis.window_update
  LOST_SEGMENT: 512, // tcp.analysis.lost_segment ("previous segment not captured")
  ACKED_UNSEEN: 1024, // tcp.analysis.ack_lost_segment
  KEEP_ALIVE_ACK: 2048, // tcp.analysis.keep_alive_ack
} as const;

export const MARK_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Mark).map(([name, bit]) => [bit, name.toLowerCase().replaceAll('_', '-')]),
);

export function markNames(marks: number): string[] {
  const out: string[] = [];
  for (let bit = 1; bit <= marks; bit <<= 1) if ((marks & bit) !== 0) out.push(MARK_NAMES[bit]);
  return out;
}
