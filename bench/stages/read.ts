/**
 * Stage "read": the capture layer alone. Touches each record's length so the loop cannot be
 * optimised away, and nothing else.
 */
import { readCapture } from '../../src/capture/read-capture.ts';
import type { StageCounts } from '../stages.ts';

export async function run(path: string, onProgress?: () => void): Promise<StageCounts> {
  let records = 0;
  let capturedBytes = 0;
  const summary = await readCapture(
    path,
    0,
    (record) => {
      records++;
      capturedBytes += record.capturedLength;
    },
    { onProgress },
  );
  return { records, capturedBytes, problems: summary.problems.length };
}
