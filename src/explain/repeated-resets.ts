import { seconds } from './causes/rule.ts';
import type { Finding } from './finding.ts';
import type { FindingHead, FindingStore } from './finding-store.ts';

/**
 * The same reset sent again and again on one 4-tuple, with nothing else on the connection, is
 * one event: one finding listing all its packets (the product's rule: a repeated reset is one
 * finding). The tracker sees each lone reset that comes after the previous one's connection was
 * forgotten as a connection of its own, so the merge happens over findings: runs of consecutive
 * "bare" reset findings of one capture and 4-tuple — findings whose connection holds nothing but
 * that very reset (same sender, flags, seq and ack) — become the first of them.
 */
export function mergeRepeatedResets(store: FindingStore, keys: ReadonlyMap<number, string>): void {
  const byTuple = new Map<string, FindingHead[]>();
  for (const h of store.live()) {
    if (h.kind !== 'reset') continue;
    const k = `${h.packets[0]?.capture}|${h.connection.client}|${h.connection.server}`;
    const list = byTuple.get(k);
    if (list === undefined) byTuple.set(k, [h]);
    else list.push(h);
  }
  for (const list of byTuple.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.time - b.time);
    let run: FindingHead[] = [];
    let runKey: string | undefined;
    const close = () => {
      if (run.length > 1) {
        const [head, ...rest] = run.map((h) => store.get(h));
        absorb(head, [head, ...rest]);
        store.replace(run[0], head);
        for (const h of run.slice(1)) store.remove(h);
      }
      run = [];
    };
    for (const h of list) {
      const key = keys.get(h.slot);
      if (key !== undefined && key === runKey) {
        run.push(h);
        continue;
      }
      close();
      runKey = key;
      if (key !== undefined) run = [h];
    }
    close();
  }
}

/**
 * The identity of a reset finding whose connection shows nothing but that reset (its key for
 * mergeRepeatedResets), else null.
 */
export function repeatKeyOf(f: Finding): string | null {
  return f.kind === 'reset' ? bareKey(f) : null;
}

/** The identity of a finding's reset when its connection shows nothing but that reset. */
function bareKey(f: Finding): string | null {
  const ladder = f.ladder ?? [];
  if (ladder.length === 0) return null;
  const first = ladder[0];
  for (const r of ladder) {
    if (
      r.mark !== 'reset' ||
      r.from !== first.from ||
      r.flags !== first.flags ||
      r.seq !== first.seq ||
      r.ack !== first.ack
    )
      return null;
  }
  return `${first.from}|${first.flags}|${first.seq}|${first.ack}`;
}

function absorb(head: Finding, run: Finding[]): void {
  const packets = run.flatMap((f) => f.packets);
  const times = run.map((f) => f.time);
  const span = times[times.length - 1] - times[0];
  const every = span / (run.length - 1);
  const sender = head.ladder?.[0]?.from ?? 'client';
  const other = sender === 'client' ? 'server' : 'client';
  head.packets = packets;
  head.evidence.unshift({
    signal: 'repeated',
    detail: `the same reset (seq ${head.ladder?.[0]?.seq}) came ${packets.length} times over ${seconds(span * 1e6)}, about every ${seconds(every * 1e6)}, with nothing else on the connection: not one packet from the ${other}`,
    frames: packets.slice(0, 10),
  });
  const repeated = `repeated ${packets.length} times over ${seconds(span * 1e6)} (about every ${seconds(every * 1e6)}), with nothing else on the connection and no packet from the ${other}`;
  head.summary =
    head.cause === 'unexplained'
      ? `A reset from the ${sender} ${repeated}; none of the known causes explains it.`
      : `${head.summary.replace(/\.$/, '')} — ${repeated}.`;
  if (head.cause === 'unexplained')
    head.nextStep = `Find what on ${sender === 'client' ? head.connection.client : head.connection.server} sends this reset on a timer (every ${seconds(every * 1e6)}) toward ${sender === 'client' ? head.connection.server : head.connection.client}: it never opens a connection and nothing answers it.`;
}
