/**
 * Runs one registered stage on one file and prints a single JSON line on stdout:
 *   {"status":"ok","seconds":…,"counts":{…},"maxRssKiB":…}
 *   {"status":"missing","message":"…"}   the stage's code (or what it imports) does not exist yet
 *   {"status":"failed","message":"…"}
 *
 *   node bench/stage-child.ts STAGE_ID FILE
 *
 * `seconds` covers run() only (no Node start-up, no module loading); the parent measures the
 * whole process too. maxRSS comes from getrusage(2) via process.resourceUsage(), in KiB.
 */
import { STAGES, type StageModule } from './stages.ts';

function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const [id, path] = process.argv.slice(2);
  const stage = STAGES.find((s) => s.id === id);
  if (!stage || !path) {
    report({ status: 'failed', message: `usage: stage-child.ts STAGE_ID FILE (unknown stage "${id}")` });
    process.exitCode = 2;
    return;
  }
  let module: StageModule;
  try {
    module = await stage.load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    // A stage registered ahead of its code: say which file is missing rather than fail.
    report({ status: code === 'ERR_MODULE_NOT_FOUND' ? 'missing' : 'failed', message });
    return;
  }
  // Run with --expose-gc, the child also samples what the stage really keeps: a full collection
  // at each progress tick of the reader, then heap used + off-heap buffers. Peak RSS alone mixes that with garbage V8 has
  // not collected yet (it grows its heap lazily), so it can rise with file size while the retained
  // memory stays flat. The collections cost time: only the memory check runs this way.
  const gc = (globalThis as { gc?: () => void }).gc;
  let retainedPeak = 0;
  let gcNanos = 0n;
  const sampleStart = process.hrtime.bigint();
  const sampleRetained = (): void => {
    if (gc === undefined) return;
    // A full collection of a multi-GiB heap takes about a second: skip ticks so that the
    // collections take at most a third of the run, else the check would never end on big files.
    const before = process.hrtime.bigint();
    if (gcNanos * 3n > before - sampleStart) return;
    gc();
    gcNanos += process.hrtime.bigint() - before;
    const m = process.memoryUsage();
    retainedPeak = Math.max(retainedPeak, m.heapUsed + m.external);
  };
  const start = process.hrtime.bigint();
  const counts = await module.run(path, gc === undefined ? undefined : sampleRetained);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  gcNanos = 0n;
  sampleRetained();
  const retainedPeakKiB = gc === undefined ? undefined : Math.round(retainedPeak / 1024);
  report({ status: 'ok', seconds, counts, maxRssKiB: process.resourceUsage().maxRSS, retainedPeakKiB });
}

main().catch((error: unknown) => {
  report({
    status: 'failed',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
});
