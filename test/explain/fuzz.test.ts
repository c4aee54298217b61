import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.ts';
import { labScenarios } from '../helpers/lab.ts';
import { prng } from '../helpers/prng.ts';

/**
 * Captures are hostile input: the whole pipeline (read → decode → track → explain → report data)
 * runs on hundreds of truncated, bit-flipped and spliced real captures without an exception, a
 * hang, or a finding that lists a packet twice. The seed is printed so a failure reproduces
 * (RSTSCOPE_FUZZ_SEED=…).
 */
const dir = mkdtempSync(join(tmpdir(), 'rstscope-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('explain survives mutated captures', { timeout: 120_000 }, async () => {
  const seed = Number(process.env.RSTSCOPE_FUZZ_SEED ?? Date.now() % 1_000_000);
  console.log(`fuzz seed ${seed}`);
  const rand = prng(seed);
  const sources = [
    ...(corpusAvailable() ? corpusEntries().map((e) => e.path) : []),
    ...labScenarios().map((s) => join(s.dir, s.captures.client)),
  ].filter((p) => statSync(p).size < 120_000);
  assert.ok(sources.length > 20);
  const iterations = 300;
  for (let i = 0; i < iterations; i++) {
    const src = sources[Math.floor(rand() * sources.length)];
    const bytes = new Uint8Array(readFileSync(src));
    const kind = Math.floor(rand() * 4);
    let mutated: Uint8Array;
    if (kind === 0) {
      mutated = bytes.subarray(0, Math.floor(rand() * bytes.length));
    } else if (kind === 1) {
      mutated = bytes.slice();
      const flips = 1 + Math.floor(rand() * 64);
      for (let k = 0; k < flips; k++)
        mutated[24 + Math.floor(rand() * (mutated.length - 24))] ^= 1 << Math.floor(rand() * 8);
    } else if (kind === 2) {
      mutated = bytes.slice();
      const at = 24 + Math.floor(rand() * (mutated.length - 24));
      const len = Math.min(mutated.length - at, 1 + Math.floor(rand() * 512));
      for (let k = 0; k < len; k++) mutated[at + k] = Math.floor(rand() * 256);
    } else {
      // Splice: a copy of one region of the file over another (duplicated or misaligned records).
      mutated = bytes.slice();
      const from = 24 + Math.floor(rand() * (mutated.length - 24));
      const to = 24 + Math.floor(rand() * (mutated.length - 24));
      const len = Math.min(mutated.length - Math.max(from, to), Math.floor(rand() * 2048));
      mutated.copyWithin(to, from, from + len);
    }
    const path = join(dir, `m${i}.pcap`);
    writeFileSync(path, mutated);
    const started = Date.now();
    const { findings } = await runExplain([path]);
    assert.ok(Date.now() - started < 10_000, `iteration ${i} (${src}, kind ${kind}) took too long`);
    const seen = new Set<string>();
    for (const f of findings) {
      if (f.kind !== 'reset') continue;
      for (const p of f.packets) {
        const k = `${p.capture}:${p.frame}`;
        assert.ok(!seen.has(k), `iteration ${i}: frame ${k} in two findings (seed ${seed})`);
        seen.add(k);
      }
      JSON.stringify(f);
    }
  }
});
