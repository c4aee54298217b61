import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { CORPUS_DIR, corpusAvailable } from '../helpers/corpus.ts';

/** Shared by the corpus tests of the explain layer: findings of one public capture, and lookups. */
export const skipWithoutCorpus = !corpusAvailable() && 'corpus not present';

const cache = new Map<string, Promise<Finding[]>>();

/** `rstscope explain` on a corpus capture (relative to the corpus root), once per test file. */
export function explainCorpus(path: string): Promise<Finding[]> {
  let p = cache.get(path);
  if (p === undefined) {
    p = runExplain([join(CORPUS_DIR, path)]).then((r) => r.findings);
    cache.set(path, p);
  }
  return p;
}

/** The reset finding that holds RST frame `frame`. */
export function holding(findings: readonly Finding[], frame: number): Finding {
  const f = findings.find((x) => x.kind === 'reset' && x.packets.some((p) => p.frame === frame));
  assert.ok(f !== undefined, `no finding holds frame ${frame}`);
  return f;
}

/** Reset findings of one connection, by its client port. */
export function onClientPort(findings: readonly Finding[], port: number): Finding[] {
  return findings.filter((f) => f.connection.client.endsWith(`:${port}`));
}
