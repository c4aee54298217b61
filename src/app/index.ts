/**
 * Application summaries for a reset's trace-back: one short, terminal-safe line naming the last
 * request before a reset and its answer ("SMB2 SESSION_SETUP → STATUS_LOGON_FAILURE",
 * "SMTP end-of-DATA (1234 bytes)", "GET /api/x HTTP/1.1", "TLS ClientHello sni=example.com").
 *
 * Pure functions over the first bytes of one TCP payload; no state is kept between calls.
 * Meant to be called once per request kept in a connection's history, not per packet.
 */

import { summarizeUnguarded } from './detect.ts';
import type { AppSummary, PayloadContext } from './summary.ts';

export { sanitizeText } from './sanitize.ts';
export type { AppProtocol, AppSummary, PayloadContext } from './summary.ts';
export { MAX_TEXT } from './summary.ts';

/**
 * Summarises data[offset, offset + length) — the start of one TCP payload — or returns null
 * when it is not the start of a message this module recognises. Never throws: payloads are
 * attacker-controlled, and a parser bug must cost a summary, not the analysis.
 */
export function summarizePayload(
  data: Uint8Array,
  offset: number,
  length: number,
  ctx: PayloadContext,
): AppSummary | null {
  try {
    return summarizeUnguarded(data, offset, length, ctx);
  } catch {
    return null;
  }
}
