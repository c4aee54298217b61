import type { CaptureSummary } from '../capture/record.ts';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';

/**
 * Print each capture problem as one line on stderr ("rstscope: file.pcap: truncated record at
 * byte 1234: …"). Returns the exit code contribution: 1 when a capture could not be read at all,
 * else 0 (a damaged file whose readable part was analysed is a warning, not a failure).
 */
export function reportCaptureProblems(summaries: readonly CaptureSummary[]): number {
  for (const s of summaries) printCaptureProblems(s);
  return captureExitCode(summaries);
}

/** One capture's problems on stderr (`packets` prints them as each capture ends). */
export function printCaptureProblems(summary: CaptureSummary): void {
  for (const p of summary.problems) {
    process.stderr.write(`rstscope: ${sanitizeForTerminal(p.message)}\n`);
  }
}

/**
 * 1 when some input could not be read at all — missing, not a capture, damaged before its first
 * frame, failed while being read, or none of its frames could be decoded (an unsupported link
 * type) — else 0. The same rule for packets, connections and explain (README "Exit codes").
 */
export function captureExitCode(summaries: readonly CaptureSummary[]): number {
  return summaries.some((s) => !s.readable) ? 1 : 0;
}
