import { secondsOf } from '../capture/record.ts';
import { flagLetters } from '../decode/tcp-flags.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import type { PacketBrief } from './finding.ts';

/** A logged packet as findings show it (trace-back entries, ladder rungs). */
export function packetBrief(capture: number, p: LoggedPacket): PacketBrief {
  return {
    capture,
    frame: p.frame,
    ts: secondsOf(p.tsMicros),
    from: p.fromClient ? 'client' : 'server',
    flags: flagLetters(p.flags),
    seq: p.seq,
    ack: p.ack,
    len: p.len,
  };
}
