import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runExplain } from '../../src/cli/explain-command.ts';
import { formatEndpoint } from '../../src/decode/address.ts';
import { TcpFlag } from '../../src/decode/packet-view.ts';
import { flagLetters } from '../../src/decode/tcp-flags.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { readPackets } from '../../src/pipeline/read-packets.ts';
import type { LabReset, LabScenario } from './lab.ts';
import { expectedOrigin, labScenarios } from './lab.ts';

/** One RST packet of one lab capture, with what rstscope said about it and what is true. */
export interface ResetVerdict {
  scenario: string;
  vantage: string;
  frame: number;
  from: string;
  to: string;
  expected: LabReset | null;
  finding: Finding | null;
  /** Number of findings listing this packet (must be exactly 1). */
  findingCount: number;
  causeOk: boolean;
  originOk: boolean;
}

export interface FailureVerdict {
  scenario: string;
  vantage: string;
  expected: { client: string; server: string; cause: string };
  found: boolean;
}

export interface ScenarioResult {
  scenario: LabScenario;
  resets: ResetVerdict[];
  failures: FailureVerdict[];
  /** Failure findings that match no expected failure (false alarms), as "vantage: cause client → server". */
  unexpectedFailures: string[];
}

/**
 * Run `explain` on every capture of every lab scenario — separately, or (`together`) all captures
 * of a scenario in one run, as several vantage points — and compare with the truth.
 */
export async function labAccuracy(
  only?: string[],
  together = false,
  /** Where to read each capture from (e.g. copies with shifted clocks); default the fixture. */
  pathOf: (s: LabScenario, vantage: string, file: string) => Promise<string> | string = (s, _v, file) =>
    join(s.dir, file),
): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const s of labScenarios()) {
    if (only !== undefined && !only.includes(s.id)) continue;
    const result: ScenarioResult = { scenario: s, resets: [], failures: [], unexpectedFailures: [] };
    const entries = Object.entries(s.captures).filter(([, file]) => existsSync(join(s.dir, file)));
    const resolved = new Map<string, string>();
    for (const [vantage, file] of entries) resolved.set(vantage, await pathOf(s, vantage, file));
    const allPaths = entries.map(([vantage]) => resolved.get(vantage)!);
    const joint = together ? await runExplain(allPaths) : null;
    for (const [index, [vantage]] of entries.entries()) {
      const path = resolved.get(vantage)!;
      const rsts: { frame: number; from: string; to: string; seq: number; flags: string }[] = [];
      const endpoints = new Set<string>();
      // Data segments seen more than once per sender: where a retransmission-timeout is visible.
      const segmentsSeen = new Map<string, number>();
      const retransmitters = new Set<string>();
      await readPackets([path], {
        onTcp(record, view) {
          const v = view.ipVersion === 6 ? 6 : 4;
          const src = formatEndpoint(v, view.src, view.sport);
          endpoints.add(src);
          if (view.payloadLength > 0) {
            const k = `${src}|${view.seq}`;
            const n = (segmentsSeen.get(k) ?? 0) + 1;
            segmentsSeen.set(k, n);
            if (n >= 3) retransmitters.add(src);
          }
          if ((view.flags & TcpFlag.RST) === 0) return;
          rsts.push({
            frame: record.frame,
            from: formatEndpoint(v, view.src, view.sport),
            to: formatEndpoint(v, view.dst, view.dport),
            seq: view.seq,
            flags: flagLetters(view.flags),
          });
        },
      });
      const findings = joint !== null ? joint.findings : (await runExplain([path])).findings;
      const capture = joint !== null ? index : 0;
      for (const r of rsts) {
        const expected = s.resets.find((e) => e.from === r.from && e.to === r.to && e.seq === r.seq) ?? null;
        const holders = findings.filter(
          (f) => f.kind === 'reset' && f.packets.some((p) => p.capture === capture && p.frame === r.frame),
        );
        const finding = holders[0] ?? null;
        result.resets.push({
          scenario: s.id,
          vantage,
          frame: r.frame,
          from: r.from,
          to: r.to,
          expected,
          finding,
          findingCount: holders.length,
          causeOk: expected !== null && finding !== null && finding.cause === expected.cause,
          originOk:
            expected !== null && finding !== null && finding.origin === expectedOrigin(expected.sender),
        });
      }
      for (const f of findings) {
        if (f.kind !== 'failure' || (f.packets[0]?.capture ?? 0) !== capture) continue;
        const listed = (s.failures ?? []).some(
          (e) => e.cause === f.cause && e.client === f.connection.client && e.server === f.connection.server,
        );
        if (!listed)
          result.unexpectedFailures.push(
            `${vantage}: ${f.cause} ${f.connection.client} → ${f.connection.server}`,
          );
      }
      for (const e of s.failures ?? []) {
        // A failure can only be judged where the connection's packets were captured at all.
        if (!endpoints.has(e.client)) continue;
        // Retransmissions dropped before this vantage point leave nothing to judge here.
        if (
          e.cause === 'retransmission-timeout' &&
          !retransmitters.has(e.client) &&
          !retransmitters.has(e.server)
        )
          continue;
        const found = findings.some(
          (f) =>
            f.kind === 'failure' &&
            f.cause === e.cause &&
            f.connection.client === e.client &&
            f.connection.server === e.server,
        );
        result.failures.push({ scenario: s.id, vantage, expected: e, found });
      }
    }
    out.push(result);
  }
  return out;
}
