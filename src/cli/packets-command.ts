import { readPackets } from '../pipeline/read-packets.ts';
import { packetJson, packetText } from '../report/packet-line.ts';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';
import { flushOnSignals, Output } from './output.ts';
import type { PacketFilterOptions } from './packet-filter.ts';
import { PacketFilter } from './packet-filter.ts';
import { captureExitCode, printCaptureProblems } from './problems.ts';
import { ProgressLine } from './progress.ts';

/** How long the input may go on after Ctrl-C: enough for tcpdump to write its last packets and exit. */
const DRAIN_MS = 1000;

export interface PacketsOptions extends PacketFilterOptions {
  json?: boolean;
  quiet?: boolean;
}

/**
 * `rstscope packets`: TCP packets as an engineer reads them, or one JSON object per line.
 *
 * Inputs are read one after the other and each stands alone: when one ends, its lines are
 * written and then its problems (stderr), so an unreadable second file neither hides nor cuts
 * the first one's packets, and the files after it are still read. Several inputs in text mode get
 * a heading line each ("# capture 1: b.pcap") that says what the "1:" before their frames means.
 * Live input is flushed whenever the reader waits for more, and on Ctrl-C (after the last packets
 * the writer sends as it exits).
 */
export async function packetsCommand(paths: string[], options: PacketsOptions): Promise<number> {
  const filter = new PacketFilter(options);
  const out = new Output();
  const json = options.json === true;
  const many = paths.length > 1;
  const progress = new ProgressLine(paths, { quiet: options.quiet });
  // Reading standard input, Ctrl-C lets the writer's last packets through (see flushOnSignals).
  const signals = flushOnSignals(out, {
    before: () => progress.done(),
    drainMs: paths.includes('-') ? DRAIN_MS : undefined,
  });
  try {
    const results = await readPackets(paths, {
      continueAfterInputError: true,
      onProgress: progress.onProgress,
      onWait: () => out.flush(),
      onCaptureStart(capture, path) {
        if (many && !json) out.line(`# capture ${capture}: ${captureName(path)}`);
      },
      onTcp(record, view) {
        if (out.closed || !filter.matches(view)) return;
        out.line(json ? JSON.stringify(packetJson(record, view)) : packetText(record, view, many));
      },
      onCaptureEnd(result) {
        out.flush();
        progress.done();
        printCaptureProblems(result.summary);
      },
    });
    return signals.status ?? captureExitCode(results.map((r) => r.summary));
  } finally {
    // Also on an unexpected error: what was decoded before it is not lost.
    progress.done();
    out.flush();
    signals.dispose();
  }
}

function captureName(path: string): string {
  return path === '-' ? 'standard input' : sanitizeForTerminal(path);
}
