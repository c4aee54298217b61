import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, PacketRef } from './finding.ts';

/**
 * What stays in memory of every finding: the fields that sorting, the cross-connection patterns,
 * the `--cause/--host/--port/--since` filters, the overview and the exit code read — about 200
 * bytes, where the whole finding (evidence, alternatives, trace-back, ladder) takes ~6 KB as
 * objects. `packets` holds the first packet only; `packetCount` says how many there are.
 */
export interface FindingHead {
  /** Position in the store (creation order). */
  readonly slot: number;
  /** Output number, assigned once the findings are in report order (0 before). */
  id: number;
  kind: Finding['kind'];
  cause: Finding['cause'];
  severity: Finding['severity'];
  origin?: Finding['origin'];
  time: number;
  packets: PacketRef[];
  packetCount: number;
  connection: Finding['connection'];
  app?: { request?: string };
  /** Who sent packets of the finding's ladder: CLIENT_SENT | SERVER_SENT bits. */
  senders: number;
}

export const CLIENT_SENT = 1;
export const SERVER_SENT = 2;

/** The findings of a run in report order: heads for the cheap questions, whole findings on demand. */
export interface FindingSource {
  /** In report order (ids 1, 2, …), patterns included. */
  readonly heads: readonly FindingHead[];
  /** The whole finding (read back from the spill file when it went there). */
  finding(head: FindingHead): Finding;
}

/** Findings kept as objects before the store starts writing them out. */
export const DEFAULT_SPILL_AFTER = 20_000;
const WRITE_CHUNK = 1 << 20;

/**
 * All findings of a run, with bounded memory: the first `spillAfter` are kept as objects (every
 * small and medium capture: nothing is written), beyond that each finding goes to a temporary
 * file as one JSON text and only its head stays. The report is sorted by the heads and reads the
 * findings back one at a time, so a capture with half a million resets needs ~200 B per finding
 * in memory, plus the file (~3 KB per finding, deleted when the store closes; on Linux it is
 * unlinked as soon as it is open, so not even a crash leaves it behind).
 *
 * Findings that are still being completed after they were added (pattern findings get their ids
 * and `related` later) are `pinned`: always kept as objects.
 */
export class FindingStore {
  private readonly heads: FindingHead[] = [];
  /** The finding of each slot while it is held as an object; null once written out. */
  private readonly held: (Finding | null)[] = [];
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private readonly pinned = new Set<number>();
  private readonly spillAfter: number;
  private fd = -1;
  private dir: string | null = null;
  private fileSize = 0;
  /** Pending bytes not yet written (appended at fileSize − pendingBytes). */
  private pending: Buffer | null = null;
  private pendingBytes = 0;
  private readBuffer = Buffer.alloc(64 * 1024);
  private readonly removed = new Set<number>();
  private readonly headOnly = new Set<number>();

  constructor(options: { spillAfter?: number } = {}) {
    this.spillAfter = options.spillAfter ?? DEFAULT_SPILL_AFTER;
  }

  /** Findings added and not removed. */
  get size(): number {
    return this.heads.length - this.removed.size;
  }

  /** Whether findings have gone to the temporary file. */
  get spilled(): boolean {
    return this.fd >= 0;
  }

  /**
   * `pin`: keep it as an object (it is still being completed); `headOnly`: keep only its head
   * (the finding was already written out, e.g. streamed as NDJSON).
   */
  add(f: Finding, options: { pin?: boolean; headOnly?: boolean } = {}): FindingHead {
    const slot = this.heads.length;
    const head = headOf(f, slot);
    this.heads.push(head);
    this.held.push(options.headOnly ? null : f);
    if (options.headOnly) this.headOnly.add(slot);
    else if (options.pin) this.pinned.add(slot);
    else if (this.fd >= 0) this.writeOut(slot);
    else if (this.heads.length - this.pinned.size - this.headOnly.size > this.spillAfter) this.spillAll();
    return head;
  }

  /** The finding in a slot, as it was added or last replaced (its id set from the head). */
  get(head: FindingHead): Finding {
    const kept = this.held[head.slot];
    const f = kept ?? this.readBack(head.slot);
    f.id = head.id;
    return f;
  }

  /** Store a changed finding in its slot (its head is recomputed, keeping the id). */
  replace(head: FindingHead, f: Finding): FindingHead {
    const fresh = headOf(f, head.slot);
    fresh.id = head.id;
    this.heads[head.slot] = fresh;
    this.held[head.slot] = f;
    if (this.fd >= 0 && !this.pinned.has(head.slot)) this.writeOut(head.slot);
    return fresh;
  }

  /** Whether only the head of this finding is kept (added with headOnly). */
  isHeadOnly(head: FindingHead): boolean {
    return this.headOnly.has(head.slot);
  }

  /** Drop a finding (merged into another). */
  remove(head: FindingHead): void {
    this.held[head.slot] = null;
    this.pinned.delete(head.slot);
    this.removed.add(head.slot);
  }

  /** Heads of the findings not removed, in creation order. */
  live(): FindingHead[] {
    return this.heads.filter((h) => !this.removed.has(h.slot));
  }

  /** The current head of a slot (after replace). */
  headAt(slot: number): FindingHead {
    return this.heads[slot];
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private spillAll(): void {
    this.dir = mkdtempSync(join(tmpdir(), 'rstscope-'));
    const path = join(this.dir, 'findings.json');
    this.fd = openSync(path, 'w+', 0o600);
    try {
      unlinkSync(path);
    } catch {
      // Not possible on every system; close() removes the directory then.
    }
    for (let slot = 0; slot < this.held.length; slot++) {
      if (this.held[slot] !== null && !this.pinned.has(slot) && !this.removed.has(slot)) this.writeOut(slot);
    }
  }

  private writeOut(slot: number): void {
    const text = JSON.stringify(this.held[slot]);
    const bytes = Buffer.byteLength(text);
    if (slot >= this.offsets.length) this.grow(slot + 1);
    if (this.pending === null) this.pending = Buffer.allocUnsafe(WRITE_CHUNK);
    if (this.pendingBytes + bytes > this.pending.length) this.flush();
    if (bytes > this.pending.length) {
      writeAll(this.fd, Buffer.from(text), this.fileSize);
    } else {
      this.pending.write(text, this.pendingBytes);
      this.pendingBytes += bytes;
    }
    this.offsets[slot] = this.fileSize;
    this.lengths[slot] = bytes;
    this.fileSize += bytes;
    this.held[slot] = null;
  }

  private flush(): void {
    if (this.pending === null || this.pendingBytes === 0) return;
    writeAll(this.fd, this.pending.subarray(0, this.pendingBytes), this.fileSize - this.pendingBytes);
    this.pendingBytes = 0;
  }

  private readBack(slot: number): Finding {
    if (this.removed.has(slot)) throw new Error(`finding slot ${slot} was removed`);
    if (this.headOnly.has(slot)) throw new Error(`finding slot ${slot} was kept as a head only`);
    this.flush();
    const n = this.lengths[slot];
    if (n > this.readBuffer.length) this.readBuffer = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, this.readBuffer, got, n - got, this.offsets[slot] + got);
      if (r === 0) throw new Error('finding spill file ended early');
      got += r;
    }
    return JSON.parse(this.readBuffer.toString('utf8', 0, n)) as Finding;
  }

  private grow(min: number): void {
    let n = this.offsets.length;
    while (n < min) n *= 2;
    const offsets = new Float64Array(n);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Uint32Array(n);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

/** The head of a finding; it shares the finding's connection object (small, and not changed). */
export function headOf(f: Finding, slot: number): FindingHead {
  const head: FindingHead = {
    slot,
    id: f.id,
    kind: f.kind,
    cause: f.cause,
    severity: f.severity,
    time: f.time,
    packets: f.packets.length > 0 ? [f.packets[0]] : [],
    packetCount: f.packets.length,
    connection: f.connection,
    senders: 0,
  };
  for (const r of f.ladder ?? []) head.senders |= r.from === 'client' ? CLIENT_SENT : SERVER_SENT;
  if (f.origin !== undefined) head.origin = f.origin;
  if (f.app?.request !== undefined) head.app = { request: f.app.request };
  return head;
}

/** A source over findings held in an array, already in report order (tests, small runs). */
export function arraySource(findings: readonly Finding[]): FindingSource {
  const bySlot = findings.slice();
  return {
    heads: bySlot.map((f, i) => headOf(f, i)),
    finding: (h) => bySlot[h.slot],
  };
}
