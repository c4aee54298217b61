/**
 * rstscope as a library: the same analysis as the CLI, for programs.
 *
 *   import { runExplain } from 'rstscope';
 *   const { captures, findings } = await runExplain(['capture.pcapng']);
 *
 * Lower layers are exported for tools that need them: the streaming capture reader, the
 * allocation-free packet decoder, the connection tracker and the explain engine.
 */

export { summarizePayload } from './app/index.ts';
export { PcapngWriter, PcapWriter } from './capture/pcap-writer.ts';
export { readCapture } from './capture/read-capture.ts';
export type { CaptureProblem, CaptureRecord, CaptureSummary } from './capture/record.ts';
export { runExplain } from './cli/explain-command.ts';
export { formatAddress, formatEndpoint, parseAddress } from './decode/address.ts';
export { decodeFrame } from './decode/decode-frame.ts';
export { PacketView, TcpFlag, Tunnel } from './decode/packet-view.ts';
export { Analysis } from './explain/analysis.ts';
export type {
  Alternative,
  Cause,
  Evidence,
  Finding,
  FindingKind,
  Origin,
  OriginVerdict,
  PacketRef,
  Severity,
  Traceback,
} from './explain/finding.ts';
export { CAUSES } from './explain/finding.ts';
export { readPackets } from './pipeline/read-packets.ts';
export type { CaptureInfo } from './report/explain-json.ts';
export { SCHEMA_VERSION } from './report/explain-json.ts';
export type { Connection } from './tcp/connection.ts';
export type { TrackerListener, TrackerOptions } from './tcp/tracker.ts';
export { Tracker } from './tcp/tracker.ts';
