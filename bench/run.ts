/**
 * `npm run bench`: throughput of rstscope's stages against tcpdump and tshark on one capture,
 * in one run, on one machine.
 *
 *   node bench/run.ts [FILE] [--repeat N] [--tshark-repeat N] [--stages read,decode]
 *                         [--no-tshark] [--no-flat]
 *
 * FILE defaults to bench/data/real.pcap (recorded by bench/make-capture.sh, run here when
 * missing and we are root). Every tool and every stage runs in its own child process, timed by
 * wall clock from spawn to exit and with its own peak RSS. Each is run --repeat times (default 3;
 * tshark --tshark-repeat times, default 1, it is slow) and the fastest run is kept, to shed noise
 * from whatever else the machine is doing; peak RSS is the largest seen. The file is read once
 * beforehand so that everyone reads from the page cache, not the disk.
 *
 * Prints the machine, the file, a table, one sentence per stage comparing it with tcpdump and
 * tshark, and the flat-memory check (the same stage on the first half of the file and on the
 * whole file: peak RSS should barely move). Writes everything to bench/data/last.json.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyPrefix, walkCapture } from './capture-head.ts';
import { describeMachine } from './machine.ts';
import { hasGnuTime, measure } from './measure.ts';
import { FLAT_MEMORY_STAGES, STAGES } from './stages.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = dirname(BENCH_DIR);
const DATA_DIR = join(BENCH_DIR, 'data');
const DEFAULT_FILE = join(DATA_DIR, 'real.pcap');
const STAGE_CHILD = join(BENCH_DIR, 'stage-child.ts');
// Half the file: long enough (≈35 s of the standard capture) to pass the tracker's 30 s linger for
// ended connections, so the head reaches the same steady number of live connections as the whole.
// A 10 % head (≈7 s) never evicts anything and would compare a warm-up with a steady state.
const HEAD_FRACTION = 0.5;

interface Options {
  file: string;
  repeat: number;
  tsharkRepeat: number;
  stages: string[];
  tshark: boolean;
  flat: boolean;
}

interface Row {
  id: string;
  label: string;
  kind: 'tool' | 'stage';
  status: 'ok' | 'missing' | 'failed' | 'absent';
  /** Wall seconds of the whole process (start-up included), fastest of the repeats. */
  seconds?: number;
  /** Stages only: seconds inside run(), without Node start-up and module loading. */
  runSeconds?: number;
  maxRssMiB?: number;
  packetsPerSecond?: number;
  megabytesPerSecond?: number;
  vsTcpdump?: number;
  vsTshark?: number;
  counts?: Record<string, number>;
  note?: string;
}

interface FlatMemory {
  stage: string;
  label: string;
  headBytes: number;
  headPackets: number;
  headMaxRssMiB: number | undefined;
  /** Peak of heap used + off-heap buffers right after a full GC (sampled at each progress tick, a few times a second). */
  headRetainedMiB: number | undefined;
  wholeRetainedMiB: number | undefined;
  wholeMaxRssMiB: number | undefined;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    file: DEFAULT_FILE,
    repeat: 3,
    tsharkRepeat: 1,
    stages: STAGES.map((s) => s.id),
    tshark: true,
    flat: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--repeat') options.repeat = Math.max(1, Number(argv[++i]) || 1);
    else if (arg === '--tshark-repeat') options.tsharkRepeat = Math.max(1, Number(argv[++i]) || 1);
    else if (arg === '--stages') options.stages = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--no-tshark') options.tshark = false;
    else if (arg === '--no-flat') options.flat = false;
    else if (arg === '-h' || arg === '--help') {
      console.log(
        'usage: node bench/run.ts [FILE] [--repeat N] [--tshark-repeat N] [--stages a,b] [--no-tshark] [--no-flat]',
      );
      console.log(`stages: ${STAGES.map((s) => s.id).join(', ')}`);
      process.exit(0);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.file = resolve(arg);
  }
  const unknown = options.stages.filter((id) => !STAGES.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown stage(s): ${unknown.join(', ')}`);
  return options;
}

function ensureFile(file: string): void {
  if (existsSync(file)) return;
  if (file === DEFAULT_FILE && process.getuid?.() === 0) {
    console.log('bench: no capture yet; recording one with bench/make-capture.sh');
    const result = spawnSync('bash', [join(BENCH_DIR, 'make-capture.sh')], { stdio: 'inherit' });
    if (result.status === 0 && existsSync(file)) return;
  }
  console.error(`bench: ${file} does not exist. Record it with: sudo bench/make-capture.sh`);
  process.exit(1);
}

/** Reads the whole file once so every measurement starts from the same warm page cache. */
function warmPageCache(file: string): number {
  const start = performance.now();
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0) {}
  } finally {
    closeSync(fd);
  }
  return (performance.now() - start) / 1000;
}

interface Run {
  seconds: number;
  maxRssKiB: number | undefined;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Fastest of `repeat` runs; the peak RSS kept is the largest seen (the honest one). */
async function repeated(repeat: number, once: () => Promise<Run>): Promise<Run> {
  let best: Run | undefined;
  let maxRss: number | undefined;
  for (let i = 0; i < repeat; i++) {
    const run = await once();
    if (run.maxRssKiB !== undefined) maxRss = Math.max(maxRss ?? 0, run.maxRssKiB);
    if (run.exitCode !== 0) return run;
    if (!best || run.seconds < best.seconds) best = run;
  }
  return { ...best!, maxRssKiB: maxRss };
}

function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

async function measureTool(
  id: string,
  label: string,
  command: string,
  args: string[],
  repeat: number,
): Promise<Row> {
  if (spawnSync(command, ['--version']).error) {
    return { id, label, kind: 'tool', status: 'absent', note: `${command} not installed` };
  }
  progress(`${label}`);
  const run = await repeated(repeat, () => measure(command, args, true));
  if (run.exitCode !== 0) {
    const note = `exit ${run.exitCode}: ${run.stderr.trim().split('\n').pop() ?? ''}`;
    return { id, label, kind: 'tool', status: 'failed', note };
  }
  return {
    id,
    label,
    kind: 'tool',
    status: 'ok',
    seconds: run.seconds,
    maxRssMiB: run.maxRssKiB === undefined ? undefined : run.maxRssKiB / 1024,
  };
}

/** One extra run of a stage with --expose-gc: the peak of what it retains (see stage-child.ts). */
async function retainedPeak(id: string, file: string): Promise<number | undefined> {
  progress(`${id} retained memory${file.includes('.head') ? ' (head of file)' : ''}`);
  const result = await measure(process.execPath, ['--expose-gc', STAGE_CHILD, id, file], false);
  try {
    const parsed = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as { retainedPeakKiB?: number };
    return parsed.retainedPeakKiB === undefined ? undefined : parsed.retainedPeakKiB / 1024;
  } catch {
    return undefined;
  }
}

/** "Cannot find module '/abs/src/x.ts' imported from …" → "src/x.ts not present yet". */
function shortReason(message: string): string {
  const missing = /Cannot find module '([^']+)'/.exec(message);
  if (missing) return `${relative(ROOT_DIR, missing[1])} not present yet`;
  return message.split('\n')[0];
}

async function measureStage(id: string, label: string, file: string, repeat: number): Promise<Row> {
  progress(`${label}${file.includes('.head') ? ' (head of file)' : ''}`);
  let runSeconds = Number.POSITIVE_INFINITY;
  let childRssKiB = 0;
  let counts: Record<string, number> | undefined;
  let failure: Row | undefined;
  const run = await repeated(repeat, async () => {
    const result = await measure(process.execPath, [STAGE_CHILD, id, file], false);
    const line = result.stdout.trim().split('\n').pop() ?? '';
    let parsed: { status?: string; message?: string; seconds?: number; counts?: Record<string, number> } & {
      maxRssKiB?: number;
    } = {};
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = { status: 'failed', message: result.stderr.trim().split('\n').slice(-3).join(' | ') };
    }
    if (parsed.status !== 'ok') {
      const status = parsed.status === 'missing' ? 'missing' : 'failed';
      failure = { id, label, kind: 'stage', status, note: shortReason(parsed.message ?? '') };
      return { ...result, exitCode: result.exitCode || 1 };
    }
    runSeconds = Math.min(runSeconds, parsed.seconds ?? Number.POSITIVE_INFINITY);
    childRssKiB = Math.max(childRssKiB, parsed.maxRssKiB ?? 0);
    counts = parsed.counts;
    return result;
  });
  if (failure) return failure;
  if (run.exitCode !== 0) {
    return { id, label, kind: 'stage', status: 'failed', note: `exit ${run.exitCode}` };
  }
  return {
    id,
    label,
    kind: 'stage',
    status: 'ok',
    seconds: run.seconds,
    runSeconds,
    // GNU time's figure when we have it (same method as for tcpdump/tshark), else the child's.
    maxRssMiB: (run.maxRssKiB ?? childRssKiB) / 1024,
    counts,
  };
}

/** A record-aligned copy of the file's first HEAD_FRACTION, made once and reused while the file is unchanged. */
function headCopy(file: string): { path: string; bytes: number; packets: number } | undefined {
  const size = statSync(file).size;
  const layout = walkCapture(file, Math.floor(size * HEAD_FRACTION));
  if (!layout) return undefined;
  mkdirSync(DATA_DIR, { recursive: true });
  const extension = extname(file);
  const path = join(
    DATA_DIR,
    `${basename(file, extension)}.head${Math.round(HEAD_FRACTION * 100)}${extension}`,
  );
  const fresh =
    existsSync(path) &&
    statSync(path).size === layout.cutOffset &&
    statSync(path).mtimeMs >= statSync(file).mtimeMs;
  if (!fresh) copyPrefix(file, path, layout.cutOffset);
  return { path, bytes: layout.cutOffset, packets: layout.cutPackets };
}

function fmt(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

function fmtRate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(0);
}

function fmtRatio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)}×`;
}

function printTable(rows: Row[]): void {
  const header = ['', 'seconds', 'packets/s', 'MB/s', 'peak RSS MiB', '× tcpdump', '× tshark', 'notes'];
  const body = rows.map((row) => {
    if (row.status !== 'ok')
      return [row.label, '—', '—', '—', '—', '—', '—', `${row.status}: ${row.note ?? ''}`];
    const notes: string[] = [];
    if (row.runSeconds !== undefined) notes.push(`run() ${fmt(row.runSeconds, 2)} s`);
    if (row.counts) {
      for (const [key, value] of Object.entries(row.counts)) notes.push(`${key} ${value}`);
    }
    return [
      row.label,
      fmt(row.seconds, 2),
      fmtRate(row.packetsPerSecond),
      fmt(row.megabytesPerSecond, 0),
      fmt(row.maxRssMiB, 1),
      fmtRatio(row.vsTcpdump),
      fmtRatio(row.vsTshark),
      notes.join(', '),
    ];
  });
  const all = [header, ...body];
  const widths = header.map((_, column) => Math.max(...all.map((cells) => cells[column].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 || column === cells.length - 1
          ? cell.padEnd(widths[column])
          : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const cells of body) console.log(line(cells));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  ensureFile(options.file);
  const machine = describeMachine();
  const bytes = statSync(options.file).size;
  const layout = walkCapture(options.file);

  console.log('rstscope benchmark');
  console.log(
    `  machine  ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.kernel}`,
  );
  console.log(
    `  load     ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min: other work skews figures)`,
  );
  console.log(`  node     ${machine.node}`);
  console.log(`  tcpdump  ${machine.tcpdump ?? 'not installed'}`);
  console.log(`  tshark   ${machine.tshark ?? 'not installed'}`);
  console.log(
    `  file     ${options.file}: ${(bytes / 1e6).toFixed(1)} MB, ` +
      `${layout ? `${layout.packets} packets (${layout.format})` : 'packet count unknown (compressed or unknown format)'}`,
  );
  const infoPath = `${options.file}.info`;
  const info = existsSync(infoPath) ? readFileSync(infoPath, 'utf8').trim().split('\n') : [];
  for (const line of info.filter((l) => /^(recorded|SYNTHETIC|client connections|tcpdump)/.test(l))) {
    console.log(`           ${line}`);
  }
  if (!hasGnuTime) console.log('  note     /usr/bin/time missing: peak RSS of tcpdump/tshark unknown');
  const warm = warmPageCache(options.file);
  console.log(
    `  warm-up  read the file once in ${warm.toFixed(2)} s (all runs below read from the page cache)`,
  );
  console.log('');

  const rows: Row[] = [];
  rows.push(
    await measureTool(
      'tcpdump',
      'tcpdump -r FILE -w /dev/null',
      'tcpdump',
      ['-r', options.file, '-w', '/dev/null'],
      options.repeat,
    ),
  );
  if (options.tshark) {
    rows.push(
      await measureTool(
        'tshark',
        "tshark -Y 'tcp.flags.reset==1'",
        'tshark',
        ['-r', options.file, '-Y', 'tcp.flags.reset==1'],
        options.tsharkRepeat,
      ),
    );
  }
  for (const stage of STAGES) {
    if (options.stages.includes(stage.id)) {
      rows.push(await measureStage(stage.id, stage.label, options.file, options.repeat));
    }
  }

  // Packet count: from the file walk, else from the first stage that counted records.
  const packets = layout?.packets ?? rows.find((r) => r.counts?.records !== undefined)?.counts?.records;
  const tcpdumpSeconds = rows.find((r) => r.id === 'tcpdump' && r.status === 'ok')?.seconds;
  const tsharkSeconds = rows.find((r) => r.id === 'tshark' && r.status === 'ok')?.seconds;
  for (const row of rows) {
    if (row.status !== 'ok' || row.seconds === undefined) continue;
    if (packets !== undefined) row.packetsPerSecond = packets / row.seconds;
    row.megabytesPerSecond = bytes / 1e6 / row.seconds;
    if (tcpdumpSeconds) row.vsTcpdump = row.seconds / tcpdumpSeconds;
    if (tsharkSeconds) row.vsTshark = row.seconds / tsharkSeconds;
  }

  const flat: FlatMemory[] = [];
  if (options.flat) {
    const head = headCopy(options.file);
    for (const id of FLAT_MEMORY_STAGES) {
      const whole = rows.find((r) => r.id === id && r.status === 'ok');
      if (!head || !whole) continue;
      const headRow = await measureStage(whole.id, whole.label, head.path, options.repeat);
      flat.push({
        stage: whole.id,
        label: whole.label,
        headBytes: head.bytes,
        headPackets: head.packets,
        headMaxRssMiB: headRow.maxRssMiB,
        wholeMaxRssMiB: whole.maxRssMiB,
        headRetainedMiB: await retainedPeak(whole.id, head.path),
        wholeRetainedMiB: await retainedPeak(whole.id, options.file),
      });
    }
  }
  const baseline = await measure(process.execPath, ['-e', '0'], true);
  const baselineMiB = baseline.maxRssKiB === undefined ? undefined : baseline.maxRssKiB / 1024;

  console.log('');
  printTable(rows);
  console.log('');
  console.log(
    `seconds: wall time of the whole process, start-up included, best of ${options.repeat} ` +
      `(tshark: of ${options.tsharkRepeat}); ` +
      "MB = 10^6 bytes of file; × = this row's time divided by tcpdump's / tshark's.",
  );
  for (const row of rows) {
    if (row.kind !== 'stage' || row.status !== 'ok') continue;
    const parts: string[] = [];
    if (row.vsTcpdump !== undefined) parts.push(`${fmtRatio(row.vsTcpdump)} tcpdump's time`);
    if (row.vsTshark !== undefined) parts.push(`${fmtRatio(row.vsTshark)} tshark's`);
    if (parts.length > 0) console.log(`  ${row.label}: ${parts.join(', ')}`);
  }
  for (const check of flat) {
    console.log(
      `flat memory, ${check.label}: first ${(check.headBytes / 1e6).toFixed(0)} MB → ` +
        `${fmt(check.headMaxRssMiB, 1)} MiB peak RSS; whole ${(bytes / 1e6).toFixed(0)} MB → ` +
        `${fmt(check.wholeMaxRssMiB, 1)} MiB; retained after GC (peak) ${fmt(check.headRetainedMiB, 1)} → ` +
        `${fmt(check.wholeRetainedMiB, 1)} MiB`,
    );
  }
  if (options.flat && flat.length === 0) {
    console.log('flat memory: skipped (its stages did not run, or the file is not a plain pcap/pcapng)');
  }
  if (baselineMiB !== undefined) {
    console.log(`for scale: an empty Node process (node -e 0) peaks at ${baselineMiB.toFixed(1)} MiB RSS`);
  }

  mkdirSync(DATA_DIR, { recursive: true });
  const jsonPath = join(DATA_DIR, 'last.json');
  const report = {
    date: new Date().toISOString(),
    machine,
    file: { path: options.file, bytes, packets, format: layout?.format, info },
    repeat: options.repeat,
    tsharkRepeat: options.tsharkRepeat,
    loadAverage: os.loadavg(),
    rows,
    flatMemory: flat,
    nodeBaselineRssMiB: baselineMiB,
  };
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${jsonPath}`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
