import type { Connection } from '../tcp/connection.ts';
import { explainResetGroup, resetGroups } from './explain-reset.ts';
import { failureOf } from './failures.ts';
import type { Finding } from './finding.ts';
import { SEVERITY_RANK } from './finding.ts';
import { HostProfiles } from './host-profiles.ts';
import type { CaptureVantage, DeclaredVantage, PathLoss } from './multi/cross-check.ts';
import { VantageIndex } from './multi/cross-check.ts';
import type { FindingSource, FindingView } from './multi/merge.ts';
import { mergeAcrossCaptures } from './multi/merge.ts';
import type { PacketTrail } from './multi/packet-trail.ts';
import { trailOf } from './multi/packet-trail.ts';
import { findPatterns } from './patterns.ts';
import { mergeRepeatedResets } from './repeated-resets.ts';
import type { ConnectionSketch } from './sketch.ts';
import { SketchIndex, sketchOf } from './sketch.ts';

export interface AnalysisOptions {
  /**
   * Explain each connection as soon as it ends (for --ndjson streaming), using the host habits
   * learned so far. Otherwise explanations wait for the end of the capture so that every reset is
   * judged against the habits of all of a host's connections.
   */
  streaming?: boolean;
  onFinding?: (f: Finding) => void;
  /** Capture positions declared by the user (`--at`), by capture index. */
  declaredVantages?: ReadonlyMap<number, DeclaredVantage>;
}

/**
 * The explain layer's entry point: receives connections as the tracker ends them, learns host
 * habits from all of them, keeps the ones with resets or failures, and produces findings.
 */
export class Analysis {
  readonly hosts = new HostProfiles();
  readonly sketches = new SketchIndex();
  /** Connections waiting for the end of the capture; each slot is cleared once explained. */
  private readonly pending: (Connection | undefined)[] = [];
  private readonly findings: Finding[] = [];
  private readonly options: AnalysisOptions;
  /** Last timestamp seen per capture (µs), to judge silences that run to the end of the capture. */
  private readonly captureEnd = new Map<number, number>();
  /** First and last timestamp of each capture (µs), for "was that capture recording then". */
  private readonly spans = new Map<number, { first: number; last: number }>();
  private readonly sources = new Map<Finding, FindingSource>();
  /** Packet trails of ended connections (several captures only), by their sketch. */
  private readonly trails = new Map<ConnectionSketch, PacketTrail>();
  private vantageIndex: VantageIndex | null = null;
  private captureCount = 0;
  private streaming: boolean;

  constructor(options: AnalysisOptions = {}) {
    this.options = options;
    this.streaming = options.streaming ?? false;
  }

  /**
   * A second capture turned up (e.g. a vantage point inside one pcapng file): findings must wait
   * for the correlation at the end, so streaming stops here.
   */
  captureStarted(capture: number): void {
    if (capture + 1 > this.captureCount) this.captureCount = capture + 1;
    if (capture > 0) this.streaming = false;
  }

  /** Tracker listener: a connection left the flow table. */
  connectionEnded(c: Connection): void {
    if (c.capture + 1 > this.captureCount) this.captureCount = c.capture + 1;
    this.hosts.add(c.capture, c.client);
    this.hosts.add(c.capture, c.server);
    const sketch = sketchOf(c);
    this.sketches.add(sketch);
    const trail = trailOf(c);
    if (trail !== null) {
      trail.compact();
      this.trails.set(sketch, trail);
    }
    const end = this.captureEnd.get(c.capture) ?? 0;
    if (c.lastTs > end) this.captureEnd.set(c.capture, c.lastTs);
    if (c.resets === null && !mayHaveFailed(c)) return;
    if (this.streaming) this.explain(c);
    else {
      c.detachLogs();
      this.pending.push(c);
    }
  }

  /** The capture's last packet time, when known from outside (e.g. the tracker's clock). */
  noteCaptureEnd(capture: number, tsMicros: number): void {
    if (tsMicros > (this.captureEnd.get(capture) ?? 0)) this.captureEnd.set(capture, tsMicros);
  }

  /** The capture's first and last packet times (µs): when it was recording. */
  noteCaptureSpan(capture: number, firstMicros: number, lastMicros: number): void {
    if (capture + 1 > this.captureCount) this.captureCount = capture + 1;
    if (lastMicros > 0) this.spans.set(capture, { first: firstMicros, last: lastMicros });
    this.noteCaptureEnd(capture, lastMicros);
  }

  /** All findings: resets and failures, then patterns; most severe first; ids assigned. */
  finish(): Finding[] {
    // Several captures: find the connections they share and align their clocks first, so each
    // reset can be checked against the capture nearest the host it claims to come from.
    if (this.captureCount > 1) {
      this.vantageIndex = new VantageIndex({
        sketches: this.sketches.all,
        captureCount: this.captureCount,
        trails: this.trails,
        spans: this.spans,
        declared: this.options.declaredVantages,
      });
    }
    // Release each connection as soon as its findings exist: the connections and their findings
    // are never all alive at once.
    for (let i = 0; i < this.pending.length; i++) {
      this.explain(this.pending[i]!);
      this.pending[i] = undefined;
    }
    this.pending.length = 0;
    // A reset repeated on a 4-tuple with nothing else is one finding (not when streaming: those
    // findings are already out).
    let findings = this.options.streaming ? this.findings : mergeRepeatedResets(this.findings);
    let views: Map<Finding, FindingView> | null = null;
    if (this.vantageIndex?.overlapping) {
      // One finding per event, on one clock; patterns are then counted once, each compared with
      // the connections of the capture its findings were first seen in.
      const merged = mergeAcrossCaptures(findings, this.sources, this.vantageIndex);
      findings = merged.findings;
      views = merged.views;
      this.pathLossCache = this.vantageIndex.pathLoss();
      this.vantageIndex.releaseGroups();
      this.trails.clear();
    }
    const drafts = findPatterns(findings, this.sketches, views === null ? undefined : (f) => views.get(f));
    const all = [...findings, ...drafts.map((d) => d.finding)];
    all.sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        kindRank(a) - kindRank(b) ||
        a.time - b.time ||
        (a.packets[0]?.frame ?? 0) - (b.packets[0]?.frame ?? 0),
    );
    if (this.streaming) {
      // Streamed findings were numbered as they went out; patterns continue the numbering, so
      // their `related` ids name findings the reader has already seen.
      let next = this.findings.length;
      for (const d of drafts) d.finding.id = ++next;
    } else {
      all.forEach((f, i) => {
        f.id = i + 1;
      });
    }
    for (const d of drafts) d.finding.related = d.members.map((m) => m.id).sort((a, b) => a - b);
    return all;
  }

  /** Packets lost between vantage points (several overlapping captures only). */
  get pathLoss(): PathLoss[] {
    return this.pathLossCache;
  }

  private pathLossCache: PathLoss[] = [];

  /** Where each capture sits and its clock offset (several overlapping captures only). */
  get vantages(): CaptureVantage[] | null {
    return this.vantageIndex?.overlapping ? this.vantageIndex.captures : null;
  }

  private explain(c: Connection): void {
    if (c.resets !== null) {
      for (const group of resetGroups(c.resets)) {
        const f = explainResetGroup(c, group, this.hosts, this.sketches, this.vantageIndex);
        this.sources.set(f, { capture: c.capture, connectionId: c.id, tsMicros: group[0].tsMicros });
        this.emit(f);
      }
    }
    const failure = failureOf(c, this.captureEnd.get(c.capture) ?? c.lastTs, this.sketches.activity);
    if (failure !== null) {
      this.sources.set(failure, { capture: c.capture, connectionId: c.id, tsMicros: failure.time * 1e6 });
      this.emit(failure);
    }
  }

  private emit(f: Finding): void {
    this.findings.push(f);
    if (!this.streaming) return;
    f.id = this.findings.length;
    this.options.onFinding?.(f);
  }
}

function kindRank(f: Finding): number {
  return f.kind === 'pattern' ? 0 : f.kind === 'reset' ? 1 : 2;
}

/** Cheap pre-check: could this reset-free connection be a failure finding? */
function mayHaveFailed(c: Connection): boolean {
  if (c.client.isn >= 0 && c.server.packets === 0) return true;
  if (c.retransmissions !== null) return true;
  const last = c.messages?.messages[c.messages.messages.length - 1];
  return last?.fromClient === true;
}
