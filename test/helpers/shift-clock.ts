import { writeFileSync } from 'node:fs';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { readCapture } from '../../src/capture/read-capture.ts';

/** Copy a pcap with every timestamp moved by `shiftMicros`: a capture taken with a wrong clock. */
export async function shiftClock(src: string, dst: string, shiftMicros: number): Promise<void> {
  let writer: PcapWriter | null = null;
  await readCapture(src, 0, (r) => {
    writer ??= new PcapWriter({ linkType: r.linkType });
    writer.writePacket(r.tsMicros + shiftMicros, r.data.subarray(r.offset, r.offset + r.capturedLength), {
      originalLength: r.originalLength,
    });
  });
  writeFileSync(dst, writer === null ? Buffer.alloc(0) : (writer as PcapWriter).toBuffer());
}
