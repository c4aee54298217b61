import { execFileSync } from 'node:child_process';
import { readPackets } from '../../src/pipeline/read-packets.ts';
import { Mark } from '../../src/tcp/marks.ts';
import { Tracker } from '../../src/tcp/tracker.ts';

/** Wireshark analysis fields compared per frame, and the mark bit each corresponds to. */
export const COMPARED: ReadonlyArray<readonly [string, number]> = [
  ['tcp.analysis.retransmission', Mark.RETRANSMISSION],
  ['tcp.analysis.fast_retransmission', Mark.FAST_RETRANSMISSION],
  ['tcp.analysis.spurious_retransmission', Mark.SPURIOUS_RETRANSMISSION],
  ['tcp.analysis.out_of_order', Mark.OUT_OF_ORDER],
  ['tcp.analysis.keep_alive', Mark.KEEP_ALIVE],
  ['tcp.analysis.zero_window', Mark.ZERO_WINDOW],
  ['tcp.analysis.zero_window_probe', Mark.ZERO_WINDOW_PROBE],
  ['tcp.analysis.duplicate_ack', Mark.DUPLICATE_ACK],
  ['tcp.analysis.window_update', Mark.WINDOW_UPDATE],
  ['tcp.analysis.lost_segment', Mark.LOST_SEGMENT],
];

export function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** frame → marks, as tshark 2-pass analysis sees them. */
export function tsharkMarks(path: string): Map<number, number> {
  const args = ['-n', '-r', path, '-Y', 'tcp', '-T', 'fields', '-e', 'frame.number'];
  for (const [field] of COMPARED) args.push('-e', field);
  const out = execFileSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const marks = new Map<number, number>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    let m = 0;
    COMPARED.forEach(([, bit], i) => {
      if ((f[i + 1] ?? '') !== '') m |= bit;
    });
    marks.set(Number(f[0]), m);
  }
  return marks;
}

/** frame → marks, as rstscope's tracker sees them. */
export async function ourMarks(path: string): Promise<Map<number, number>> {
  const marks = new Map<number, number>();
  let tracker: Tracker | null = null;
  await readPackets([path], {
    onCaptureStart(capture) {
      tracker = new Tracker(capture);
    },
    onTcp(record, view) {
      const c = tracker!.packet(record, view);
      marks.set(record.frame, c.marks);
    },
    onCaptureEnd() {
      tracker!.finish();
    },
  });
  return marks;
}
