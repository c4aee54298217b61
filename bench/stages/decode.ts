/**
 * Stage "read+decode": capture layer plus decoding every frame into one reused PacketView,
 * counting TCP segments and resets (the same question tshark answers with tcp.flags.reset==1).
 */
import { readCapture } from '../../src/capture/read-capture.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView, TcpFlag } from '../../src/decode/packet-view.ts';
import type { StageCounts } from '../stages.ts';

export async function run(path: string, onProgress?: () => void): Promise<StageCounts> {
  const view = new PacketView();
  let records = 0;
  let tcp = 0;
  let resets = 0;
  const summary = await readCapture(
    path,
    0,
    (record) => {
      records++;
      decodeFrame(view, record.data, record.offset, record.capturedLength, record.linkType);
      if (view.status === 'tcp') {
        tcp++;
        if ((view.flags & TcpFlag.RST) !== 0) resets++;
      }
    },
    { onProgress },
  );
  return { records, tcp, resets, problems: summary.problems.length };
}
