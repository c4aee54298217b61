/**
 * Thousands of randomly cut, bit-flipped, spliced versions of real captures are read without an
 * exception escaping, without a hang, and within a fixed heap. The reads run in a worker thread
 * so that a hang (a synchronous loop never yields) can be detected and the thread killed; the
 * worker's old-generation heap is capped so unbounded allocation fails the test.
 *
 * Reproduce a failure with RSTSCOPE_FUZZ_SEED=<seed printed below>.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { makeTempDir, removeTempDir } from '../helpers/capture-writer.ts';
import type { FuzzJob, FuzzMessage } from './fuzz-worker.ts';

const HANG_MS = 5000;
const HEAP_LIMIT_MB = 192;

const dir = makeTempDir('rstscope-fuzz-');
after(() => removeTempDir(dir));

test('damaged captures never crash, hang or exhaust memory', { timeout: 120_000 }, async (t) => {
  const seed = Number(process.env.RSTSCOPE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const iterations = Number(process.env.RSTSCOPE_FUZZ_ITERATIONS ?? 3000);
  t.diagnostic(`fuzz seed ${seed} (RSTSCOPE_FUZZ_SEED=${seed} to reproduce)`);
  console.log(`capture fuzz seed: ${seed}`);
  const job: FuzzJob = { seed, iterations, deadlineMs: 15_000, tempDir: dir };
  const worker = new Worker(new URL('./fuzz-worker.ts', import.meta.url), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
  });

  let current = 'starting';
  let lastMessage = Date.now();
  const slow: string[] = [];
  const result = await new Promise<Extract<FuzzMessage, { kind: 'done' }>>((resolve, reject) => {
    const watchdog = setInterval(() => {
      if (Date.now() - lastMessage > HANG_MS) {
        clearInterval(watchdog);
        void worker.terminate();
        reject(new Error(`seed ${seed}: no progress for ${HANG_MS} ms during ${current}`));
      }
    }, 250);
    worker.on('message', (message: FuzzMessage) => {
      lastMessage = Date.now();
      if (message.kind === 'start') current = `iteration ${message.iteration}: ${message.description}`;
      else if (message.kind === 'slow') slow.push(`${message.ms} ms: ${message.description}`);
      else {
        clearInterval(watchdog);
        resolve(message);
      }
    });
    worker.on('error', (error) => {
      clearInterval(watchdog);
      reject(new Error(`seed ${seed}, ${current}: ${error.stack ?? error}`));
    });
    worker.on('exit', (code) => {
      clearInterval(watchdog);
      if (code !== 0) reject(new Error(`seed ${seed}: worker exited with ${code} during ${current}`));
    });
  });
  await worker.terminate();

  t.diagnostic(
    `${result.iterations} damaged captures, ${result.records} records delivered, ${result.problems} problems (${result.fatal} fatal), heap samples ${result.heapMb.join(' ')} MB`,
  );
  assert.ok(result.iterations >= 500, `only ${result.iterations} iterations ran`);
  assert.ok(result.fatal > result.iterations / 4, 'most damaged inputs should be reported as such');
  assert.deepEqual(slow, [], `seed ${seed}: reads slower than 2 s`);
  assert.ok(Math.max(...result.heapMb) < HEAP_LIMIT_MB / 2, `heap grew to ${Math.max(...result.heapMb)} MB`);
});
