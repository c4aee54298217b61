import type { CaptureSummary } from '../capture/record.ts';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';

/**
 * Print each capture problem as one line on stderr ("rstscope: file.pcap: truncated record at
 * byte 1234: …"). Returns the exit code contribution: 1 when a capture could not be read at all,
 * else 0 (a damaged file whose readable part was analysed is a warning, not a failure).
 */
export function reportCaptureProblems(summaries: readonly CaptureSummary[]): number {
  for (const s of summaries) {
    for (const p of s.problems) {
      process.stderr.write(`rstscope: ${sanitizeForTerminal(p.message)}\n`);
    }
  }
  return captureExitCode(summaries);
}

/** 1 when some capture could not be read at all, else 0. */
export function captureExitCode(summaries: readonly CaptureSummary[]): number {
  return summaries.some((s) => s.format === 'unknown') ? 1 : 0;
}
