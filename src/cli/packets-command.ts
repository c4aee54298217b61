import { readPackets } from '../pipeline/read-packets.ts';
import { packetJson, packetText } from '../report/packet-line.ts';
import { Output } from './output.ts';
import type { PacketFilterOptions } from './packet-filter.ts';
import { PacketFilter } from './packet-filter.ts';
import { reportCaptureProblems } from './problems.ts';
import { ProgressLine } from './progress.ts';

export interface PacketsOptions extends PacketFilterOptions {
  json?: boolean;
  quiet?: boolean;
}

/** `rstscope packets`: TCP packets as an engineer reads them, or one JSON object per line. */
export async function packetsCommand(paths: string[], options: PacketsOptions): Promise<number> {
  const filter = new PacketFilter(options);
  const out = new Output();
  const many = paths.length > 1;
  const progress = new ProgressLine(paths, { quiet: options.quiet });
  const results = await readPackets(paths, {
    onProgress: progress.onProgress,
    onTcp(record, view) {
      if (out.closed || !filter.matches(view)) return;
      out.line(options.json ? JSON.stringify(packetJson(record, view)) : packetText(record, view, many));
    },
  });
  progress.done();
  out.flush();
  return reportCaptureProblems(results.map((r) => r.summary));
}
