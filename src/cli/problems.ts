import type { CaptureSummary } from '../capture/record.ts';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';

/**
 * Print each capture problem as one line on stderr ("rstscope: file.pcap: truncated record at
 * byte 1234: …"). Returns the exit code contribution: 1 when a capture could not be read at all,
 * else 0 (a damaged file whose readable part was analysed is a warning, not a failure).
 */
export function reportCaptureProblems(summaries: readonly CaptureSummary[]): number {
  let code = 0;
  for (const s of summaries) {
    for (const p of s.problems) {
      process.stderr.write(`rstscope: ${sanitizeForTerminal(p.message)}\n`);
    }
    if (s.format === 'unknown') code = 1;
  }
  return code;
}
