/**
 * Stage "read+decode+track": the decode stage plus the TCP tracker (flow table, per-connection
 * state, reset records, eviction in capture time). Its time minus the decode stage's is what
 * connection tracking costs; its peak RSS shows whether eviction keeps memory bounded.
 */
import { readCapture } from '../../src/capture/read-capture.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import { Tracker } from '../../src/tcp/tracker.ts';
import type { StageCounts } from '../stages.ts';

export async function run(path: string, onProgress?: () => void): Promise<StageCounts> {
  const view = new PacketView();
  let resets = 0;
  let ended = 0;
  let maxLive = 0;
  // As explain and connections run it: ended connections' objects are recycled.
  const tracker = new Tracker(
    0,
    {
      reset: () => {
        resets++;
      },
      ended: () => {
        ended++;
      },
    },
    { recycle: true },
  );
  const summary = await readCapture(
    path,
    0,
    (record) => {
      decodeFrame(view, record.data, record.offset, record.capturedLength, record.linkType);
      if (view.status !== 'tcp') return;
      tracker.packet(record, view);
      if (tracker.liveConnections > maxLive) maxLive = tracker.liveConnections;
    },
    { onProgress },
  );
  tracker.finish();
  return {
    tcp: tracker.tcpPackets,
    connections: tracker.connectionsCreated,
    resets,
    ended,
    maxLive,
    problems: summary.problems.length,
  };
}
