import type { Connection } from '../tcp/connection.ts';
import { explainResetGroup, resetGroups } from './explain-reset.ts';
import { failureOf } from './failures.ts';
import type { Finding } from './finding.ts';
import { SEVERITY_RANK } from './finding.ts';
import type { FindingHead, FindingSource as FindingList } from './finding-store.ts';
import { FindingStore } from './finding-store.ts';
import { HostProfiles } from './host-profiles.ts';
import type { CaptureVantage, DeclaredVantage, PathLoss } from './multi/cross-check.ts';
import { VantageIndex } from './multi/cross-check.ts';
import type { FindingSource, FindingView } from './multi/merge.ts';
import { mergeAcrossCaptures } from './multi/merge.ts';
import type { PacketTrail } from './multi/packet-trail.ts';
import { trailOf } from './multi/packet-trail.ts';
import { findPatterns } from './patterns.ts';
import { mergeRepeatedResets, repeatKeyOf } from './repeated-resets.ts';
import type { ConnectionSketch } from './sketch.ts';
import { SketchIndex } from './sketch.ts';

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
  /**
   * The run reads several files: their findings are correlated at the end, so no connection is
   * explained before it (see MAX_PENDING).
   */
  severalCaptures?: boolean;
  /** Findings kept as objects before the rest go to a temporary file (FindingStore). */
  spillAfter?: number;
  /** Connections waiting for the end of a single capture at most (default MAX_PENDING). */
  maxPending?: number;
}

/**
 * Connections waiting to be explained at the end of a single capture, at most. Waiting lets every
 * reset be judged against the habits of all of its host's connections; beyond this many (a scan,
 * a reset storm: hundreds of thousands of resets) the oldest is explained now, against the habits
 * learned so far — by then from at least this many later connections — so that memory follows
 * this bound, not the number of resets in the file (~4 KB per waiting connection).
 */
export const MAX_PENDING = 25_000;

/**
 * The explain layer's entry point: receives connections as the tracker ends them, learns host
 * habits from all of them, keeps the ones with resets or failures, and produces findings.
 */
export class Analysis {
  readonly hosts = new HostProfiles();
  readonly sketches = new SketchIndex();
  /** Connections waiting for the end of the capture, oldest first from `pendingStart`. */
  private pending: (Connection | undefined)[] = [];
  private pendingStart = 0;
  private readonly store: FindingStore;
  /** Keys of findings whose connection held nothing but one reset, by slot (see repeated-resets). */
  private readonly repeatKeys = new Map<number, string>();
  /** Which connection each reset and failure finding came from, by slot (several captures). */
  private readonly sourceBySlot = new Map<number, FindingSource>();
  private streamedCount = 0;
  private readonly maxPending: number;
  private readonly options: AnalysisOptions;
  /** Last timestamp seen per capture (µs), to judge silences that run to the end of the capture. */
  private readonly captureEnd = new Map<number, number>();
  /** First and last timestamp of each capture (µs), for "was that capture recording then". */
  private readonly spans = new Map<number, { first: number; last: number }>();
  /** Packet trails of ended connections (several captures only), by their sketch. */
  private readonly trails = new Map<ConnectionSketch, PacketTrail>();
  private vantageIndex: VantageIndex | null = null;
  private captureCount = 0;
  private streaming: boolean;

  constructor(options: AnalysisOptions = {}) {
    this.options = options;
    this.streaming = options.streaming ?? false;
    this.store = new FindingStore({ spillAfter: options.spillAfter });
    this.maxPending = options.maxPending ?? MAX_PENDING;
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
    const sketch = this.sketches.addConnection(c);
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
      c.keep();
      this.pending.push(c);
      if (this.pending.length - this.pendingStart > this.maxPending && this.explainsEarly)
        this.explainOldest();
    }
  }

  /** Only a single capture's connections may be explained before the end (no correlation). */
  private get explainsEarly(): boolean {
    return this.captureCount <= 1 && !this.options.severalCaptures;
  }

  private explainOldest(): void {
    const c = this.pending[this.pendingStart]!;
    this.pending[this.pendingStart++] = undefined;
    this.explain(c);
    c.release();
    if (this.pendingStart >= 65536 && this.pendingStart * 2 >= this.pending.length) {
      this.pending = this.pending.slice(this.pendingStart);
      this.pendingStart = 0;
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

  /**
   * All findings: resets and failures, then patterns; most severe first; ids assigned (when
   * streaming, the ids given as they went out). Close the result when done with it.
   */
  finish(): ExplainedFindings {
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
    while (this.pendingStart < this.pending.length) this.explainOldest();
    this.pending = [];
    this.pendingStart = 0;
    // A reset repeated on a 4-tuple with nothing else is one finding (not when streaming: those
    // findings are already out).
    if (!this.options.streaming) mergeRepeatedResets(this.store, this.repeatKeys);
    let store = this.store;
    let views: Map<Finding, FindingView> | null = null;
    if (this.vantageIndex?.overlapping) {
      // One finding per event, on one clock; patterns are then counted once, each compared with
      // the connections of the capture its findings were first seen in.
      const sources = new Map<Finding, FindingSource>();
      const loaded = store.live().map((h) => {
        const f = store.get(h);
        const src = this.sourceBySlot.get(h.slot);
        if (src !== undefined) sources.set(f, src);
        return f;
      });
      store.close();
      const merged = mergeAcrossCaptures(loaded, sources, this.vantageIndex);
      store = new FindingStore({ spillAfter: Number.POSITIVE_INFINITY });
      for (const f of merged.findings) store.add(f);
      views = merged.views;
      this.pathLossCache = this.vantageIndex.pathLoss();
      this.vantageIndex.releaseGroups();
      this.trails.clear();
    }
    this.sourceBySlot.clear();
    const heads = store.live();
    const viewOf = views === null ? undefined : (h: FindingHead) => views.get(store.get(h));
    const drafts = findPatterns(heads, this.sketches, viewOf);
    const patternHeads = drafts.map((d) => store.add(d.finding, { pin: true }));
    const all = [...heads, ...patternHeads];
    all.sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        kindRank(a) - kindRank(b) ||
        a.time - b.time ||
        (a.packets[0]?.frame ?? 0) - (b.packets[0]?.frame ?? 0),
    );
    if (this.options.streaming) {
      // Streamed findings were numbered as they went out; the rest (the patterns, and findings
      // held back once a second vantage point turned up) continue the numbering, so that
      // `related` ids name findings the reader has already seen.
      let next = this.streamedCount;
      for (const h of all) if (!store.isHeadOnly(h)) h.id = ++next;
    } else {
      all.forEach((h, i) => {
        h.id = i + 1;
      });
    }
    drafts.forEach((d, i) => {
      d.finding.id = patternHeads[i].id;
      d.finding.related = d.members.map((m) => m.id).sort((a, b) => a - b);
    });
    return new ExplainedFindings(all, store);
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
        this.emit(f, { capture: c.capture, connectionId: c.id, tsMicros: group[0].tsMicros });
      }
    }
    const failure = failureOf(c, this.captureEnd.get(c.capture) ?? c.lastTs, this.sketches.activity);
    if (failure !== null)
      this.emit(failure, { capture: c.capture, connectionId: c.id, tsMicros: failure.time * 1e6 });
  }

  private emit(f: Finding, source: FindingSource): void {
    if (this.streaming) {
      f.id = ++this.streamedCount;
      this.options.onFinding?.(f);
      // Out already: only its head is kept, for the patterns and the exit code.
      this.store.add(f, { headOnly: true });
      return;
    }
    const key = repeatKeyOf(f);
    const head = this.store.add(f);
    if (key !== null) this.repeatKeys.set(head.slot, key);
    if (!this.explainsEarly) this.sourceBySlot.set(head.slot, source);
  }
}

/** The findings of a run in report order, read from its store (see FindingStore). */
export class ExplainedFindings implements FindingList {
  readonly heads: readonly FindingHead[];
  private readonly store: FindingStore;

  constructor(heads: readonly FindingHead[], store: FindingStore) {
    this.heads = heads;
    this.store = store;
  }

  get length(): number {
    return this.heads.length;
  }

  finding(head: FindingHead): Finding {
    return this.store.get(head);
  }

  /** Whether only the head is kept: the finding already went out (streamed as NDJSON). */
  streamed(head: FindingHead): boolean {
    return this.store.isHeadOnly(head);
  }

  /** Every finding, in report order, one at a time. */
  *[Symbol.iterator](): Generator<Finding> {
    for (const h of this.heads) yield this.store.get(h);
  }

  /** Every finding as an array (all in memory: for programs and small captures). */
  toArray(): Finding[] {
    return [...this];
  }

  /** Removes the temporary file, if the findings needed one. */
  close(): void {
    this.store.close();
  }
}

function kindRank(f: FindingHead): number {
  return f.kind === 'pattern' ? 0 : f.kind === 'reset' ? 1 : 2;
}

/** Cheap pre-check: could this reset-free connection be a failure finding? */
function mayHaveFailed(c: Connection): boolean {
  if (c.client.isn >= 0 && c.server.packets === 0) return true;
  if (c.retransmissions !== null) return true;
  const last = c.messages?.messages[c.messages.messages.length - 1];
  return last?.fromClient === true;
}
