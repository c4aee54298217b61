/**
 * Stage "full explain": everything `rstscope explain FILE` computes — read, decode, track, then
 * the explain layer (host habits, one finding per reset group, failures without a reset, patterns)
 * — without rendering. Its time against read+decode is the cost of the whole analysis; its peak
 * RSS shows whether what the explain layer keeps grows with the file.
 */
import { runExplain } from '../../src/cli/explain-command.ts';
import type { StageCounts } from '../stages.ts';

export async function run(path: string, onProgress?: () => void): Promise<StageCounts> {
  const result = await runExplain([path], { onProgress });
  let resetFindings = 0;
  let failures = 0;
  let patterns = 0;
  for (const f of result.findings) {
    if (f.kind === 'reset') resetFindings++;
    else if (f.kind === 'failure') failures++;
    else patterns++;
  }
  return {
    connections: result.captures.reduce((n, c) => n + c.connections, 0),
    findings: result.findings.length,
    resetFindings,
    failures,
    patterns,
  };
}
