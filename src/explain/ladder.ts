import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from '../tcp/connection.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import type { Finding } from './finding.ts';
import { summarizeMessage } from './message-summary.ts';
import { packetBrief } from './packet-brief.ts';

type Rung = NonNullable<Finding['ladder']>[number];

/**
 * The packets a ladder diagram draws for a finding: the kept history of the connection (its
 * first packets, the latest of each side and the latest ones), marked where the bounded history
 * skipped packets (`afterGaps`: the frames that follow a skip), with the
 * finding's own packets highlighted and one-line application summaries on message starts.
 */
export function ladderOf(
  c: Connection,
  packets: LoggedPacket[],
  highlight: ReadonlySet<number>,
  afterGaps: ReadonlySet<number>,
): Rung[] {
  const starts = new Map<number, string>();
  for (const m of c.messages?.messages ?? []) {
    const s = summarizeMessage(c, m);
    if (s !== null) starts.set(m.frame, s.text);
  }
  const seen = new Set<number>();
  const rungs: Rung[] = [];
  for (const p of packets) {
    if (seen.has(p.frame)) continue;
    seen.add(p.frame);
    const rung: Rung = { ...packetBrief(c.capture, p), win: p.window, ttl: p.ttl };
    const app = starts.get(p.frame);
    if (app !== undefined) rung.app = app;
    if (highlight.has(p.frame)) rung.mark = (p.flags & TcpFlag.RST) !== 0 ? 'reset' : 'finding';
    if (afterGaps.has(p.frame)) rung.gapBefore = true;
    rungs.push(rung);
  }
  return rungs;
}
