/**
 * The data the HTML report embeds: a compact form of `{ captures, findings }` made for the page
 * script, not a public contract (the JSON output is the contract; see explain-json.ts).
 *
 * Why compact: a capture with 50,000 resets gives ~100 MB of `--json`, and the page must parse
 * all of it before it can filter. So:
 *   - frame references are one number, `capture * 2^32 + frame` (frame numbers fit in 32 bits);
 *   - ladder rungs and evidence are tuples, their times µs offsets from the finding's time;
 *   - texts that occur more than once (summaries and next steps repeat per service, evidence
 *     signals, application summaries) are stored once in `strings` and referenced by index;
 *   - prose that differs only in its numbers ("the SYN (frame 11) was answered … after 180 µs")
 *     is stored once as a template, each use as [template index, "11|1|180"]: the digits are
 *     kept as written, so the page puts back exactly the original text;
 *   - origin votes are not repeated: the explain layer already lists each as `origin:*` evidence.
 * Every string stays a string: the page renders them with textContent, never as markup.
 */
import type { Finding, PacketRef } from '../../explain/finding.ts';
import type { CaptureInfo } from '../explain-json.ts';

/**
 * A text: itself, the index of a text in `ReportData.strings`, or [index of a template whose
 * numbers were replaced by NUMBER_SLOT, the numbers as written joined with "|"].
 */
export type Text = string | number | [number, string];

/** Marks where a number was taken out of a template (never in sanitised text: it is a control). */
export const NUMBER_SLOT = '\u0000';
const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * [ref, µs after the finding's time, from (0 client, 1 server), flags, seq, ack, len, win, ttl,
 *  app or null, mark (0, 1 reset, 2 finding), gapBefore (0/1), lost (0/1)?, seenAt?]
 * The last two only on rungs of a multi-capture ladder that have them (most rungs do not).
 * `T` is how the app summary is held: a text-table reference in the embedded data, the string
 * itself once the page (or ladder-layout.ts) has decoded it.
 */
export type RungOf<T> =
  | [number, number, 0 | 1, string, number, number, number, number, number, T | null, 0 | 1 | 2, 0 | 1]
  | [
      number,
      number,
      0 | 1,
      string,
      number,
      number,
      number,
      number,
      number,
      T | null,
      0 | 1 | 2,
      0 | 1,
      0 | 1,
      number[] | null,
    ];

export type Rung = RungOf<Text>;

/**
 * A ladder packet as the multi-capture correlation describes it: `capture` is where this rung was
 * read, `ts` is on the common reference clock, `lost` means it was sent but never seen at a
 * capture on the receiver's side, `seenAt` lists the other captures that saw the same packet.
 */
export type LadderPacket = NonNullable<Finding['ladder']>[number] & { lost?: boolean; seenAt?: number[] };

export interface CompactTraceback {
  /** [ref, from, flags, len] of the packet the reset answers. */
  trig?: [number, 'client' | 'server', string, number];
  match?: string;
  /** [ref, bytes, acked, answered, app] */
  req?: [number, number, 0 | 1, 0 | 1, Text | null];
  /** [ref, bytes, app] */
  resp?: [number, number, Text | null];
  idle: number;
  silence: number;
  out: [number, number];
  /** [from, seq, sends, intervals, acked] */
  rtx?: ['client' | 'server', number, number, number[], 0 | 1];
  state: string;
}

export interface CompactFinding {
  id: number;
  kind: Finding['kind'];
  cause: Finding['cause'];
  sev: Finding['severity'];
  conf: number;
  origin?: Finding['origin'];
  /** Confidence of the origin verdict. */
  oconf?: number;
  client: string;
  server: string;
  roles?: string;
  /** Seconds since 1970 of the finding's first packet. */
  t: number;
  fr: number[];
  sum: Text;
  next: Text;
  /** [signal, detail, refs] */
  ev: [Text, Text, number[]][];
  /** [cause, confidence, why] */
  alt: [string, number, Text][];
  /** [request, response, error] */
  app?: [Text | null, Text | null, 0 | 1];
  tb?: CompactTraceback;
  ld?: Rung[];
  /** [origin, cause, confidence] that this capture alone gave. */
  single?: [string, string, number];
  rel?: number[];
  det?: Record<string, unknown>;
}

export interface ReportData {
  /** Version of this embedded shape (the page script and the data ship together). */
  v: 1;
  generated: string;
  captures: CaptureInfo[];
  strings: string[];
  findings: CompactFinding[];
  /** Findings of the run left out of this report (it holds the first ones, in report order). */
  omitted?: number;
}

/** capture * 2^32 + frame: exact in a float64 for any capture index below 2^21. */
export function packRef(r: PacketRef): number {
  return r.capture * 4294967296 + r.frame;
}

/** Counts texts on a first pass, then interns those seen at least twice. */
class TextTable {
  private readonly counts = new Map<string, number>();
  private readonly templates = new Map<string, number>();
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];

  private static template(s: string): string | null {
    if (s.includes(NUMBER_SLOT)) return null;
    const t = s.replace(NUMBER, NUMBER_SLOT);
    return t === s ? null : t;
  }

  /** Second pass, after every count(): templates of the prose texts that occur once. */
  countTemplate(s: string | undefined | null): void {
    if (s === undefined || s === null || (this.counts.get(s) ?? 0) >= 2) return;
    const t = TextTable.template(s);
    if (t !== null) this.templates.set(t, (this.templates.get(t) ?? 0) + 1);
  }

  /** A prose text: interned, or a shared template with its numbers, or itself. */
  prose(s: string): Text {
    if ((this.counts.get(s) ?? 0) >= 2) return this.ref(s);
    const t = TextTable.template(s);
    if (t === null || (this.templates.get(t) ?? 0) < 2) return s;
    return [this.intern(t), (s.match(NUMBER) ?? []).join('|')];
  }

  private intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  count(s: string | undefined | null): void {
    if (s === undefined || s === null || s.length < 8) return;
    this.counts.set(s, (this.counts.get(s) ?? 0) + 1);
  }

  ref(s: string): Text {
    return (this.counts.get(s) ?? 0) < 2 ? s : this.intern(s);
  }

  opt(s: string | undefined | null): Text | null {
    return s === undefined || s === null ? null : this.ref(s);
  }
}

function micros(seconds: number): number {
  return Math.round(seconds * 1e6);
}

function countTexts(table: TextTable, f: Finding): void {
  table.count(f.summary);
  table.count(f.nextStep);
  for (const e of f.evidence) {
    table.count(e.signal);
    table.count(e.detail);
  }
  for (const a of f.alternatives) table.count(a.why);
  table.count(f.app?.request);
  table.count(f.app?.response);
  for (const r of f.ladder ?? []) {
    table.count(r.app);
  }
  table.count(f.traceback?.lastRequest?.app);
  table.count(f.traceback?.response?.app);
}

function countTemplates(table: TextTable, f: Finding): void {
  table.countTemplate(f.summary);
  table.countTemplate(f.nextStep);
  for (const e of f.evidence) table.countTemplate(e.detail);
  for (const a of f.alternatives) table.countTemplate(a.why);
}

function compactTraceback(table: TextTable, tb: NonNullable<Finding['traceback']>): CompactTraceback {
  // Absent parts are left out rather than written as null (most resets have no request or
  // retransmission): tens of bytes per finding, megabytes for 50,000.
  const c: CompactTraceback = {
    idle: tb.idleBefore,
    silence: tb.silenceBefore,
    out: [tb.outstanding.client, tb.outstanding.server],
    state: tb.connectionState,
  };
  if (tb.trigger) c.trig = [packRef(tb.trigger), tb.trigger.from, tb.trigger.flags, tb.trigger.len];
  if (tb.triggerMatch !== null) c.match = tb.triggerMatch;
  if (tb.lastRequest)
    c.req = [
      packRef(tb.lastRequest),
      tb.lastRequest.bytes,
      tb.lastRequest.acked ? 1 : 0,
      tb.lastRequest.answered ? 1 : 0,
      table.opt(tb.lastRequest.app),
    ];
  if (tb.response) c.resp = [packRef(tb.response), tb.response.bytes, table.opt(tb.response.app)];
  const r = tb.retransmission;
  if (r) c.rtx = [r.from, r.seq, r.sends, r.intervals, r.acked ? 1 : 0];
  return c;
}

function compactRung(table: TextTable, time: number, r: LadderPacket): Rung {
  const rung: Rung = [
    packRef(r),
    micros(r.ts - time),
    r.from === 'client' ? 0 : 1,
    r.flags,
    r.seq,
    r.ack,
    r.len,
    r.win,
    r.ttl,
    table.opt(r.app),
    r.mark === 'reset' ? 1 : r.mark === 'finding' ? 2 : 0,
    r.gapBefore ? 1 : 0,
  ];
  const seenAt = r.seenAt?.filter((c) => c !== r.capture) ?? [];
  if (r.lost === true || seenAt.length > 0)
    return [...rung, r.lost ? 1 : 0, seenAt.length > 0 ? seenAt : null];
  return rung;
}

function compactFinding(table: TextTable, f: Finding): CompactFinding {
  const c: CompactFinding = {
    id: f.id,
    kind: f.kind,
    cause: f.cause,
    sev: f.severity,
    conf: f.confidence,
    client: f.connection.client,
    server: f.connection.server,
    t: f.time,
    fr: f.packets.map(packRef),
    sum: table.prose(f.summary),
    next: table.prose(f.nextStep),
    ev: f.evidence.map((e) => [table.ref(e.signal), table.prose(e.detail), e.frames.map(packRef)]),
    alt: f.alternatives.map((a) => [a.cause, a.confidence, table.prose(a.why)]),
  };
  if (f.origin !== undefined) c.origin = f.origin;
  if (f.originDetail !== undefined) c.oconf = f.originDetail.confidence;
  if (f.connection.rolesInferred !== undefined) c.roles = f.connection.rolesInferred;
  if (f.app !== undefined) c.app = [table.opt(f.app.request), table.opt(f.app.response), f.app.error ? 1 : 0];
  if (f.traceback !== undefined) c.tb = compactTraceback(table, f.traceback);
  if (f.ladder !== undefined) c.ld = (f.ladder as LadderPacket[]).map((r) => compactRung(table, f.time, r));
  if (f.singleCapture !== undefined)
    c.single = [f.singleCapture.origin, f.singleCapture.cause, f.singleCapture.confidence];
  if (f.related !== undefined) c.rel = f.related;
  if (f.details !== undefined) c.det = f.details;
  return c;
}

/** The embedded data of a report. */
export function reportData(
  captures: CaptureInfo[],
  findings: Finding[],
  generated = new Date(),
  omitted = 0,
): ReportData {
  const table = new TextTable();
  for (const f of findings) countTexts(table, f);
  for (const f of findings) countTemplates(table, f);
  const compact = findings.map((f) => compactFinding(table, f));
  const data: ReportData = {
    v: 1,
    generated: generated.toISOString(),
    captures,
    strings: table.strings,
    findings: compact,
  };
  if (omitted > 0) data.omitted = omitted;
  return data;
}
